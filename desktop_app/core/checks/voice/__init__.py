"""Checks of what the replies say and how: facts taught, near-copies, house style, the word list,
balance and overtraining. `features` measures each example once (beside its line summary);
`report.voice_problems` turns those measurements into findings about the whole file.
"""

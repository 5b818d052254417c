"""The model catalogue (resources/models.json) and the dates that decide what is offered."""

"""Trying a trained model: chat endpoints, and comparisons of two models on prompts."""

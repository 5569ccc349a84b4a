"""Helpers of `pipelines.classify`: matching, sentences, officials, dates and trips."""

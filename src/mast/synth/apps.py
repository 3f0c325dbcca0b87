from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "mast.synth"
    label = "synth"

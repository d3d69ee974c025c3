from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        # The composition root wires calls between apps of one layer, which may not import each
        # other (ARCHITECTURE.md; tests/web/test_layers.py): a layoff batch's "what to learn" is
        # training's advice for a group.
        from relief.restructuring import advice
        from training import selectors as training_selectors

        advice.provide(training_selectors.group_learning_advice)

# The task queue's app is made when Django is, so every app's tasks are bound to it.
from pathway.taskqueue import app as celery_app

__all__ = ["celery_app"]

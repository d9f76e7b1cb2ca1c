"""Background jobs: the broker (huey), the worker that runs each job, and the work of each kind."""

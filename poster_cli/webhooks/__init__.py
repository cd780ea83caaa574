"""The webhook receiver: Poster posts an event, we verify, store, acknowledge, then process.

* :mod:`.events`  reads and checks one delivery (body, signature, age);
* :mod:`.store`   keeps every event in ``<data>/webhooks.sqlite`` and dedupes redeliveries;
* :mod:`.processor` turns an event into journal and snapshot updates;
* :mod:`.hook`    runs the user's ``--on-event`` command;
* :mod:`.app`     the Starlette app tying them together, with its background workers;
* :mod:`.server`  runs an app under uvicorn on a loopback or public socket;
* :mod:`.sender`  signs and posts a sample event (``webhooks test``).
"""

"""gunicorn settings for the web process: the Dockerfile's CMD and docker-compose.yml's web
service both run ``gunicorn -c gunicorn_config.py careteam.wsgi:application``.

The access log never holds a query string or a referrer: patient search sends the name in the
query string (``/patients/?q=...``, ``/api/v1/patients/?search=...``), and the page after a
search would send it again as its Referer. So the request is logged as method, path (``%(U)s``,
without the query string; paths hold ids only) and protocol, instead of gunicorn's default
request line ``%(r)s`` and ``"%(f)s"``. The response's X-Request-ID ties a line to its audit rows.
tests/test_logs_phi.py starts gunicorn with this file and checks a searched name is in no line.

Not named gunicorn.conf.py, which gunicorn would load by itself from the working directory (the
benchmark runs gunicorn from the project root with its own flags and no access log).
"""

bind = "0.0.0.0:8000"
workers = 2
# gunicorn >= 25.1 otherwise opens a control socket under $HOME/.gunicorn.
control_socket_disable = True
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'

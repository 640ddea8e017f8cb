"""Running BackCare past one machine: the nginx configuration, and a local cluster to try it.

``nginx.conf.template`` is the proxy configuration a deployment uses (the README's
"Running past one machine" shows it filled in). The modules start throwaway copies
of the parts on this machine, for `make cluster`, the tests and the benchmarks:
``postgres`` a PostgreSQL cluster in a temporary folder, ``nginx`` the proxy in
front of several app servers, ``cluster`` all of them together.
"""

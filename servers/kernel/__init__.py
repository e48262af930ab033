"""The shared kernel: everything several paymesh services need and nothing business-specific.

server      bootstrap: grpc.aio, health, reflection, limits, graceful drain
interceptors context id, tracing, JSON logs, validation, error mapping
errors      the one error tree (PaymeshError and its categories)
settings    typed settings from the environment, secrets masked
db          SQLAlchemy engine, unit of work, versioned migrations per schema
idempotency request_id + request hash + response, stored with the effect
cache       Redis with the app-name prefix and a TTL on every key; lock with fencing
events      transactional outbox relayed to Redis Streams; idempotent consumers
money, ids  Money arithmetic; prefixed sortable ids
"""

"""SSC v2 (HTTPS, basic authentication, server-sent events) for EW-DX firmware 4.x."""

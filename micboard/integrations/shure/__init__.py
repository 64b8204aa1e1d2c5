"""Shure's receivers: the wire codec, value encodings, families, client, driver and simulator."""

"""The display wall: pages, their live state endpoint and kiosk access."""

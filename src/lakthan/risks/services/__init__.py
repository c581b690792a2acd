"""Every operation of item 3 that changes state."""

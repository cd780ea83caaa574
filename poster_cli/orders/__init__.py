"""Online orders: building and validation, the exactly-once journal, sending, following."""

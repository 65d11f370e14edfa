"""Spanish as our patients read it: in the United States (es-US, like es-MX), where
amounts are written $25.00 and 1,000, not Spain's 25,00 and 1.000. Times of day are
12-hour and written by the catalogue ("9:30 a. m.", portal/booking/picker/slots.py);
the rest is Django's Spanish."""

from __future__ import annotations

from django.conf.locale.es.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

"""The pipeline: read → map + load per dataset (``load``) → derived stages (``stages``) → validate →
switch (``build``)."""

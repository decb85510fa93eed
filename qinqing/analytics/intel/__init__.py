"""Intelligence (智能分析): routing suggestions, duplicates, hot spots, monthly topics (每月一题)
and seasonal warnings (未诉先办). The pure algorithms live in analytics/ml; this package
is the platform side: models, services, pages, tasks and admin. Kept free of imports so
that analytics/models.py can load `intel.models` while the app registry is being built."""

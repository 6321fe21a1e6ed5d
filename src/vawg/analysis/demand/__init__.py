"""Chapter 3, service demand and referral pathways: one module per service."""

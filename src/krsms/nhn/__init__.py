"""NHN Cloud Notification SMS (API v2.2): typed client, errors and the NhnGateway."""

// Example parameters. Secrets come from environment variables of the shell that deploys, so they
// never land in a file; leave a variable unset on later deployments to keep the vault's value.
using 'main.bicep'

param namePrefix = 'reminders'
param maximumInstanceCount = 100
param instanceMemoryMB = 2048

param smsProvider = 'outbox'
param emailProvider = 'outbox'
param pushProvider = 'outbox'
param emailFrom = 'Reminders <reminders@example.com>'

// Reminder outcomes to a Service Bus topic for merchants' own systems.
param enableServiceBus = false
param serviceBusTopicName = 'reminder-outcomes'

// Overrides of the defaults in README.md "Settings", by flat setting name (strings).
param settings = {
  Reminders__DefaultTimeZone: 'Asia/Shanghai'
}

param webhooksOrdersSecret = readEnvironmentVariable('REMINDERS_WEBHOOKS_ORDERS_SECRET', '')
param webhooksPaymentsSecret = readEnvironmentVariable('REMINDERS_WEBHOOKS_PAYMENTS_SECRET', '')
param adminKeys = readEnvironmentVariable('REMINDERS_ADMIN_KEYS', '')
param unsubscribeSecret = readEnvironmentVariable('REMINDERS_UNSUBSCRIBE_SECRET', '')
param twilioAuthToken = readEnvironmentVariable('REMINDERS_TWILIO_AUTH_TOKEN', '')
param acsSmsConnectionString = readEnvironmentVariable('REMINDERS_ACS_SMS_CONNECTION_STRING', '')
param acsEmailConnectionString = readEnvironmentVariable('REMINDERS_ACS_EMAIL_CONNECTION_STRING', '')
param smtpPassword = readEnvironmentVariable('REMINDERS_SMTP_PASSWORD', '')
param fcmServiceAccountJson = readEnvironmentVariable('REMINDERS_FCM_SERVICE_ACCOUNT_JSON', '')

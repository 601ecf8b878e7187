// Example parameters. Secrets come from environment variables of the shell that deploys, so they
// never land in a file; leave a variable unset on later deployments to keep the vault's value.
using 'main.bicep'

param namePrefix = 'reminders'
param containerImage = readEnvironmentVariable('REMINDERS_IMAGE', 'myregistry.azurecr.io/reminders:latest')
param containerRegistryName = readEnvironmentVariable('REMINDERS_ACR_NAME', '')

param minReplicas = 1
param maxReplicas = 10

param smsProvider = 'outbox'
param emailProvider = 'outbox'
param pushProvider = 'outbox'
param emailFrom = 'Reminders <reminders@example.com>'

// Overrides of the DESIGN.md defaults, by flat setting name (strings).
param settings = {
  Reminders__DefaultTimeZone: 'Asia/Shanghai'
}

param webhooksOrdersSecret = readEnvironmentVariable('REMINDERS_WEBHOOKS_ORDERS_SECRET', '')
param webhooksPaymentsSecret = readEnvironmentVariable('REMINDERS_WEBHOOKS_PAYMENTS_SECRET', '')
param adminKeys = readEnvironmentVariable('REMINDERS_ADMIN_KEYS', '')
param twilioAuthToken = readEnvironmentVariable('REMINDERS_TWILIO_AUTH_TOKEN', '')
param acsSmsConnectionString = readEnvironmentVariable('REMINDERS_ACS_SMS_CONNECTION_STRING', '')
param acsEmailConnectionString = readEnvironmentVariable('REMINDERS_ACS_EMAIL_CONNECTION_STRING', '')
param smtpPassword = readEnvironmentVariable('REMINDERS_SMTP_PASSWORD', '')
param fcmServiceAccountJson = readEnvironmentVariable('REMINDERS_FCM_SERVICE_ACCOUNT_JSON', '')

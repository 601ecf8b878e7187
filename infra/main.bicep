// Reminders in Azure: a function app on the Flex Consumption plan (dotnet-isolated), a storage account
// reached only by a user-assigned managed identity (AzureWebJobsStorage, the app's tables and queues, the
// deployment package), Key Vault for the secrets (Key Vault references in app settings), Application
// Insights with Entra ID authentication, and, when enableServiceBus is true, a Service Bus topic for
// reminder outcomes. No account keys anywhere.
//
//   az deployment group create -g <resource-group> --parameters infra/main.bicepparam
//
// See infra/README.md. Every app setting set here is documented in README.md (a test checks it).

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------
// Placement and size
// ---------------------------------------------------------------------------------------------

@description('Region for every resource; it must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Short lower-case prefix for resource names: letters, digits and hyphens, starting with a letter, e.g. "reminders" or "rem-prod".')
@minLength(3)
@maxLength(12)
param namePrefix string

@description('Tags for every resource.')
param tags object = {}

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('How buyers and Twilio reach the app (Reminders__PublicBaseUrl); the app\'s default host name when empty.')
param publicBaseUrl string = ''

@description('OTLP endpoint for traces and metrics (OTEL_EXPORTER_OTLP_ENDPOINT); empty to leave it unset.')
param otlpEndpoint string = ''

// ---------------------------------------------------------------------------------------------
// Service Bus (reminder outcomes for merchants' own systems)
// ---------------------------------------------------------------------------------------------

@description('Create a Service Bus namespace and topic and publish every reminder outcome and merchant alert to it.')
param enableServiceBus bool = false

@description('Topic name (ServiceBus__Topic).')
param serviceBusTopicName string = 'reminder-outcomes'

@description('Duplicate detection window of the topic (ISO 8601, 20 seconds to 7 days): a copy of an outcome within it is dropped.')
param serviceBusDuplicateDetectionWindow string = 'PT1H'

// ---------------------------------------------------------------------------------------------
// App settings (README "Settings" and "Delivery")
// ---------------------------------------------------------------------------------------------

@description('Overrides and additions by flat setting name, e.g. { "Reminders__BuyerDailyCap": "3", "Sweeps__Refund__Schedule": "0 */5 * * * *" }. Not for secrets.')
param settings object = {}

@allowed([
  'outbox'
  'twilio'
  'acs'
])
param smsProvider string = 'outbox'

@allowed([
  'outbox'
  'smtp'
  'acs'
])
param emailProvider string = 'outbox'

@allowed([
  'outbox'
  'fcm'
])
param pushProvider string = 'outbox'

@description('Email sender, "Name <address>" or an address (Channels__Email__From).')
param emailFrom string = ''

param smtpHost string = ''

param smtpPort int = 587

@description('SMTP user; its password is the smtpPassword secret.')
param smtpUser string = ''

param smtpStartTls bool = true

param twilioAccountSid string = ''

@description('Twilio sender number (E.164) or alphanumeric sender id; or set twilioMessagingServiceSid.')
param twilioFrom string = ''

param twilioMessagingServiceSid string = ''

@description('ACS SMS sender number (E.164).')
param acsSmsFrom string = ''

@description('ACS Email MailFrom address of a connected domain, e.g. DoNotReply@contoso.com.')
param acsEmailSenderAddress string = ''

@description('Firebase project id; the service account\'s project_id when empty.')
param fcmProjectId string = ''

// ---------------------------------------------------------------------------------------------
// Secrets: written to Key Vault when given; leave empty on later deployments to keep the vault's
// values (rotate with `az keyvault secret set`, see infra/README.md).
// ---------------------------------------------------------------------------------------------

@secure()
param webhooksOrdersSecret string = ''

@secure()
param webhooksPaymentsSecret string = ''

@description('Comma-separated admin keys.')
@secure()
param adminKeys string = ''

@description('Key of the unsubscribe link signature (16+ characters).')
@secure()
param unsubscribeSecret string = ''

@secure()
param twilioAuthToken string = ''

@secure()
param acsSmsConnectionString string = ''

@secure()
param acsEmailConnectionString string = ''

@secure()
param smtpPassword string = ''

@description('The Firebase service account key file\'s JSON.')
@secure()
param fcmServiceAccountJson string = ''

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

var prefix = toLower(namePrefix)
var suffix = uniqueString(resourceGroup().id, prefix)
var names = {
  identity: '${prefix}-id'
  storage: take('${replace(prefix, '-', '')}st${suffix}', 24)
  keyVault: take('${prefix}-kv-${suffix}', 24)
  logAnalytics: '${prefix}-logs'
  appInsights: '${prefix}-appi'
  plan: '${prefix}-plan'
  app: '${prefix}-func-${suffix}'
  serviceBus: '${prefix}-sb-${suffix}'
}
var deploymentContainerName = 'app-package-${take(names.app, 32)}'

// The app's tables and queues (Reminders.App: ReminderStorage, QueueNames; Dashboard: Activity).
var tableNames = [
  'Orders'
  'ReminderIndex'
  'Buyers'
  'Outbox'
  'Activity'
]

var queueNames = [
  'reminders-sms'
  'reminders-email'
  'reminders-push'
  'merchant-alerts'
]

// A Key Vault reference, resolved by the platform with the app's identity (keyVaultReferenceIdentity).
func keyVaultReference(vaultName string, secretName string) string => '@Microsoft.KeyVault(VaultName=${vaultName};SecretName=${secretName})'

// ---------------------------------------------------------------------------------------------
// App settings: the platform's, then the app's defaults, providers, overrides, secrets
// ---------------------------------------------------------------------------------------------

// Identity-based AzureWebJobsStorage, as the Functions host and the app read it.
var storageSettings = {
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  // DefaultAzureCredential picks the user-assigned identity by this.
  AZURE_CLIENT_ID: identity.properties.clientId
}

var monitoringSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint
}

// The host resolves %Sweeps__*__Schedule% in the timer triggers from app settings, so they are always set.
var sweepSchedules = {
  Sweeps__PaymentDue__Schedule: '0 */1 * * * *'
  Sweeps__ConfirmReceipt__Schedule: '0 */1 * * * *'
  Sweeps__PayLater__Schedule: '0 */1 * * * *'
  Sweeps__Settlement__Schedule: '0 */1 * * * *'
  Sweeps__Refund__Schedule: '0 */1 * * * *'
}

var providerSettings = union({
  Channels__Sms__Provider: smsProvider
  Channels__Email__Provider: emailProvider
  Channels__Push__Provider: pushProvider
  Channels__Email__From: emailFrom
}, smsProvider == 'twilio' ? {
  Channels__Sms__Twilio__AccountSid: twilioAccountSid
  Channels__Sms__Twilio__From: twilioFrom
  Channels__Sms__Twilio__MessagingServiceSid: twilioMessagingServiceSid
} : {}, smsProvider == 'acs' ? {
  Channels__Sms__Acs__From: acsSmsFrom
} : {}, emailProvider == 'smtp' ? {
  Channels__Email__Smtp__Host: smtpHost
  Channels__Email__Smtp__Port: string(smtpPort)
  Channels__Email__Smtp__User: smtpUser
  Channels__Email__Smtp__StartTls: smtpStartTls ? 'true' : 'false'
} : {}, emailProvider == 'acs' ? {
  Channels__Email__Acs__SenderAddress: acsEmailSenderAddress
} : {}, pushProvider == 'fcm' ? {
  Channels__Push__Fcm__ProjectId: fcmProjectId
} : {})

var serviceBusSettings = enableServiceBus ? {
  ServiceBus__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBus__credential: 'managedidentity'
  ServiceBus__clientId: identity.properties.clientId
  ServiceBus__Topic: serviceBusTopicName
} : {}

// Secrets as Key Vault references; the secret names are those keyvault.bicep writes.
var secretSettings = union({
  Webhooks__Orders__Secret: keyVaultReference(names.keyVault, 'webhooks-orders-secret')
  Webhooks__Payments__Secret: keyVaultReference(names.keyVault, 'webhooks-payments-secret')
  Admin__Keys: keyVaultReference(names.keyVault, 'admin-keys')
  Unsubscribe__Secret: keyVaultReference(names.keyVault, 'unsubscribe-secret')
}, smsProvider == 'twilio' ? {
  Channels__Sms__Twilio__AuthToken: keyVaultReference(names.keyVault, 'twilio-auth-token')
} : {}, smsProvider == 'acs' ? {
  Channels__Sms__Acs__ConnectionString: keyVaultReference(names.keyVault, 'acs-sms-connection-string')
} : {}, emailProvider == 'acs' ? {
  Channels__Email__Acs__ConnectionString: keyVaultReference(names.keyVault, 'acs-email-connection-string')
} : {}, emailProvider == 'smtp' && !empty(smtpUser) ? {
  Channels__Email__Smtp__Password: keyVaultReference(names.keyVault, 'smtp-password')
} : {}, pushProvider == 'fcm' ? {
  Channels__Push__Fcm__ServiceAccountJson: keyVaultReference(names.keyVault, 'fcm-service-account-json')
} : {})

// Later wins: overrides cannot replace the platform's settings or the secret references.
var appSettings = union(sweepSchedules, providerSettings, settings, monitoringSettings, serviceBusSettings, storageSettings, secretSettings)

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: tags
    retentionInDays: logRetentionDays
    appPrincipalId: identity.properties.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSku
    appPrincipalId: identity.properties.principalId
    tableNames: tableNames
    queueNames: queueNames
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    appPrincipalId: identity.properties.principalId
    secretValues: {
      'webhooks-orders-secret': webhooksOrdersSecret
      'webhooks-payments-secret': webhooksPaymentsSecret
      'admin-keys': adminKeys
      'unsubscribe-secret': unsubscribeSecret
      'twilio-auth-token': twilioAuthToken
      'acs-sms-connection-string': acsSmsConnectionString
      'acs-email-connection-string': acsEmailConnectionString
      'smtp-password': smtpPassword
      'fcm-service-account-json': fcmServiceAccountJson
    }
  }
}

module serviceBus 'modules/servicebus.bicep' = if (enableServiceBus) {
  name: 'servicebus'
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    topicName: serviceBusTopicName
    duplicateDetectionWindow: serviceBusDuplicateDetectionWindow
    appPrincipalId: identity.properties.principalId
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  // The identity's roles (storage, Key Vault) must exist before the host starts.
  dependsOn: [
    keyVault
  ]
  params: {
    planName: names.plan
    appName: names.app
    location: location
    tags: tags
    identityId: identity.id
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${deploymentContainerName}'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    appSettings: appSettings
    publicBaseUrl: publicBaseUrl
  }
}

output appUrl string = functionApp.outputs.url
output appName string = functionApp.outputs.name
output storageAccountName string = storage.outputs.name
output keyVaultName string = keyVault.outputs.name
output identityClientId string = identity.properties.clientId
output serviceBusNamespace string = enableServiceBus ? serviceBus.outputs.fullyQualifiedNamespace : ''

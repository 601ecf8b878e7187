// Reminders in Azure: one resource group holding a storage account (tables, queues, lease blobs),
// a user-assigned identity with data roles on it, a Key Vault for provider secrets, Log Analytics
// with workspace-based Application Insights, and a Container Apps environment running the app.
// No account keys anywhere: the app reaches storage and Key Vault with its managed identity.
//
//   az deployment group create -g <resource-group> --parameters infra/main.bicepparam
//
// See infra/README.md.

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------
// Placement and names
// ---------------------------------------------------------------------------------------------

@description('Region for every resource.')
param location string = resourceGroup().location

@description('Short lower-case prefix for resource names: letters, digits and hyphens, starting with a letter, e.g. "reminders" or "rem-prod".')
@minLength(3)
@maxLength(12)
param namePrefix string

@description('Tags for every resource.')
param tags object = {}

// ---------------------------------------------------------------------------------------------
// Image and size
// ---------------------------------------------------------------------------------------------

@description('The app\'s container image (built from infra/Dockerfile), e.g. myregistry.azurecr.io/reminders:1.4.2.')
param containerImage string

@description('Name of an Azure Container Registry in this resource group that holds the image; the app identity gets AcrPull on it. Empty for a public image.')
param containerRegistryName string = ''

@description('At least 1: the timer sweeps run inside the app, so with no replica nothing would sweep.')
@minValue(1)
param minReplicas int = 1

@minValue(1)
@maxValue(300)
param maxReplicas int = 10

@description('vCPU per replica, with memory to match (0.5 with 1Gi, 1.0 with 2Gi).')
@allowed([
  '0.25'
  '0.5'
  '0.75'
  '1.0'
  '1.5'
  '2.0'
])
param cpu string = '0.5'

@allowed([
  '0.5Gi'
  '1Gi'
  '1.5Gi'
  '2Gi'
  '3Gi'
  '4Gi'
])
param memory string = '1Gi'

@description('Visible messages per replica that each queue rule aims for; 16 matches host.json extensions.queues.batchSize.')
@minValue(1)
param queueLengthPerReplica int = 16

@description('Concurrent HTTP requests per replica before the HTTP rule adds one (webhooks, admin API).')
@minValue(1)
param httpConcurrentRequests int = 50

@description('Readiness probe path; it must answer 200 without an admin key.')
param healthProbePath string = '/api/health'

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

@description('OTLP endpoint for traces and metrics (OTEL_EXPORTER_OTLP_ENDPOINT); empty to leave it unset.')
param otlpEndpoint string = ''

// ---------------------------------------------------------------------------------------------
// App settings (DESIGN.md "Settings")
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
// values (rotate with `az keyvault secret set`, see README).
// ---------------------------------------------------------------------------------------------

@secure()
param webhooksOrdersSecret string = ''

@secure()
param webhooksPaymentsSecret string = ''

@description('Comma-separated admin keys for x-functions-key.')
@secure()
param adminKeys string = ''

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
// Names the app agrees on (Reminders.App / Reminders.Storage)
// ---------------------------------------------------------------------------------------------

var tableNames = [
  'Orders'
  'ReminderIndex'
  'Buyers'
  'Outbox'
]

var workQueueNames = [
  'reminders-sms'
  'reminders-email'
  'reminders-push'
  'merchant-alerts'
]

// Timer leases and schedule status, as the Functions host keeps them.
var blobContainerNames = [
  'azure-webjobs-hosts'
]

var prefix = toLower(namePrefix)
var suffix = uniqueString(resourceGroup().id, prefix)
var names = {
  identity: '${prefix}-id'
  storage: take('${replace(prefix, '-', '')}st${suffix}', 24)
  keyVault: take('${prefix}-kv-${suffix}', 24)
  logAnalytics: '${prefix}-logs'
  appInsights: '${prefix}-appi'
  appsEnvironment: '${prefix}-env'
  app: '${prefix}-app'
}

// ---------------------------------------------------------------------------------------------
// Settings: DESIGN.md defaults, then provider settings, then overrides, then the platform's own
// ---------------------------------------------------------------------------------------------

var reminderDefaults = {
  Reminders__DefaultTimeZone: 'Asia/Shanghai'
  Reminders__QuietHours__Start: '22:00'
  Reminders__QuietHours__End: '08:00'
  Reminders__BuyerDailyCap: '2'
  Reminders__MinInterval: '02:00:00'
  Reminders__Channels: 'push,sms,email'
  Reminders__PaymentDue__Steps: '00:30:00,06:00:00,22:00:00'
  Reminders__PaymentDue__Window: '1.00:00:00'
  Reminders__ConfirmReceipt__Steps: '3.00:00:00,7.00:00:00'
  Reminders__ConfirmReceipt__AutoConfirmAfter: '10.00:00:00'
  Reminders__PayLater__Steps: '-3.00:00:00,-1.00:00:00,00:00:00,1.00:00:00,3.00:00:00'
  Reminders__Settlement__Window: '2.00:00:00'
  Reminders__Refund__Window: '3.00:00:00'
}

var sweepDefaults = {
  Sweeps__PaymentDue__Schedule: '0 */1 * * * *'
  Sweeps__ConfirmReceipt__Schedule: '0 */1 * * * *'
  Sweeps__PayLater__Schedule: '0 */1 * * * *'
  Sweeps__Settlement__Schedule: '0 */1 * * * *'
  Sweeps__Refund__Schedule: '0 */1 * * * *'
}

var providerSettings = {
  Channels__Sms__Provider: smsProvider
  Channels__Email__Provider: emailProvider
  Channels__Push__Provider: pushProvider
  Channels__Email__From: emailFrom
}

var twilioSettings = smsProvider == 'twilio' ? {
  Channels__Sms__Twilio__AccountSid: twilioAccountSid
  Channels__Sms__Twilio__From: twilioFrom
  Channels__Sms__Twilio__MessagingServiceSid: twilioMessagingServiceSid
} : {}

var acsSmsSettings = smsProvider == 'acs' ? {
  Channels__Sms__Acs__From: acsSmsFrom
} : {}

var smtpSettings = emailProvider == 'smtp' ? {
  Channels__Email__Smtp__Host: smtpHost
  Channels__Email__Smtp__Port: string(smtpPort)
  Channels__Email__Smtp__User: smtpUser
  Channels__Email__Smtp__StartTls: smtpStartTls ? 'true' : 'false'
} : {}

var acsEmailSettings = emailProvider == 'acs' ? {
  Channels__Email__Acs__SenderAddress: acsEmailSenderAddress
} : {}

var fcmSettings = pushProvider == 'fcm' ? {
  Channels__Push__Fcm__ProjectId: fcmProjectId
} : {}

var storageSuffix = environment().suffixes.storage

var platformSettings = {
  ASPNETCORE_URLS: 'http://+:8080'
  // Identity-based AzureWebJobsStorage, in the Functions host's format.
  AzureWebJobsStorage__accountName: names.storage
  AzureWebJobsStorage__tableServiceUri: 'https://${names.storage}.table.${storageSuffix}'
  AzureWebJobsStorage__queueServiceUri: 'https://${names.storage}.queue.${storageSuffix}'
  AzureWebJobsStorage__blobServiceUri: 'https://${names.storage}.blob.${storageSuffix}'
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  // Azure.Identity's DefaultAzureCredential / ManagedIdentityCredential pick this identity.
  AZURE_CLIENT_ID: identity.properties.clientId
  // One host id for every replica, so the timer singleton leases
  // (azure-webjobs-hosts/locks/{hostId}/...) are shared.
  AzureFunctionsWebHost__hostid: names.app
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
  OTEL_SERVICE_NAME: 'reminders'
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint
}

var allPlainSettings = union(reminderDefaults, sweepDefaults, providerSettings, twilioSettings, acsSmsSettings, smtpSettings, acsEmailSettings, fcmSettings, settings, platformSettings)

var nonEmptyPlainSettings = filter(items(allPlainSettings), setting => !empty(string(setting.value)))

var plainSettings = map(nonEmptyPlainSettings, setting => {
  name: setting.key
  value: string(setting.value)
})

var alwaysKeyVaultSettings = [
  {
    name: 'webhooks-orders-secret'
    env: 'Webhooks__Orders__Secret'
  }
  {
    name: 'webhooks-payments-secret'
    env: 'Webhooks__Payments__Secret'
  }
  {
    name: 'admin-keys'
    env: 'Admin__Keys'
  }
]

var twilioKeyVaultSettings = smsProvider == 'twilio' ? [
  {
    name: 'twilio-auth-token'
    env: 'Channels__Sms__Twilio__AuthToken'
  }
] : []

var acsSmsKeyVaultSettings = smsProvider == 'acs' ? [
  {
    name: 'acs-sms-connection-string'
    env: 'Channels__Sms__Acs__ConnectionString'
  }
] : []

var acsEmailKeyVaultSettings = emailProvider == 'acs' ? [
  {
    name: 'acs-email-connection-string'
    env: 'Channels__Email__Acs__ConnectionString'
  }
] : []

var smtpKeyVaultSettings = emailProvider == 'smtp' && !empty(smtpUser) ? [
  {
    name: 'smtp-password'
    env: 'Channels__Email__Smtp__Password'
  }
] : []

var fcmKeyVaultSettings = pushProvider == 'fcm' ? [
  {
    name: 'fcm-service-account-json'
    env: 'Channels__Push__Fcm__ServiceAccountJson'
  }
] : []

var keyVaultSettings = concat(alwaysKeyVaultSettings, twilioKeyVaultSettings, acsSmsKeyVaultSettings, acsEmailKeyVaultSettings, smtpKeyVaultSettings, fcmKeyVaultSettings)

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
    queueNames: workQueueNames
    containerNames: blobContainerNames
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
      'twilio-auth-token': twilioAuthToken
      'acs-sms-connection-string': acsSmsConnectionString
      'acs-email-connection-string': acsEmailConnectionString
      'smtp-password': smtpPassword
      'fcm-service-account-json': fcmServiceAccountJson
    }
  }
}

module registryPull 'modules/registry-pull.bicep' = if (!empty(containerRegistryName)) {
  name: 'registry-pull'
  params: {
    registryName: containerRegistryName
    appPrincipalId: identity.properties.principalId
  }
}

module containerApp 'modules/container-app.bicep' = {
  name: 'container-app'
  // The role assignments (storage, Key Vault, AcrPull) must exist before the first revision starts.
  dependsOn: [
    registryPull
  ]
  params: {
    environmentName: names.appsEnvironment
    appName: names.app
    location: location
    tags: tags
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    containerImage: containerImage
    registryServer: empty(containerRegistryName) ? '' : '${containerRegistryName}${environment().suffixes.acrLoginServer}'
    identityId: identity.id
    plainSettings: plainSettings
    keyVaultSettings: keyVaultSettings
    keyVaultUri: keyVault.outputs.vaultUri
    storageAccountName: storage.outputs.name
    scaledQueueNames: workQueueNames
    queueLengthPerReplica: queueLengthPerReplica
    httpConcurrentRequests: httpConcurrentRequests
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    cpu: cpu
    memory: memory
    healthProbePath: healthProbePath
  }
}

output appUrl string = 'https://${containerApp.outputs.fqdn}'
output appName string = containerApp.outputs.appName
output storageAccountName string = storage.outputs.name
output keyVaultName string = keyVault.outputs.name
output identityClientId string = identity.properties.clientId

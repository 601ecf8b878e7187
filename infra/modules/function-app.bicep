// The function app on a Flex Consumption plan (one app per plan): .NET isolated worker, code deployed as a
// package to a blob container that the app reads with its user-assigned identity, Key Vault references
// resolved with the same identity. The runtime is set in functionAppConfig, not by FUNCTIONS_WORKER_RUNTIME
// or FUNCTIONS_EXTENSION_VERSION (Flex Consumption refuses those, and WEBSITE_TIME_ZONE).

param planName string

@description('Function app name, globally unique (it names {app}.azurewebsites.net).')
param appName string

param location string

param tags object = {}

@description('Resource id of the app\'s user-assigned identity.')
param identityId string

@description('URL of the blob container that holds the deployment package.')
param deploymentContainerUrl string

param maximumInstanceCount int

param instanceMemoryMB int

@description('App settings by name; empty values are left out.')
param appSettings object

@description('Reminders__PublicBaseUrl; the app\'s default host name when empty.')
param publicBaseUrl string = ''

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

var baseUrl = empty(publicBaseUrl) ? 'https://${app.properties.defaultHostName}' : publicBaseUrl

// A separate resource so that the settings can name the app's own host name.
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: toObject(
    filter(items(union(appSettings, { Reminders__PublicBaseUrl: baseUrl })), setting => !empty(string(setting.value))),
    setting => setting.key,
    setting => string(setting.value))
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'

// Log Analytics workspace and a workspace-based Application Insights resource. Local (key) authentication
// is off: the Functions host sends telemetry with the app's identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING),
// which gets Monitoring Metrics Publisher here.

param logAnalyticsName string

param appInsightsName string

param location string

param tags object = {}

@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('Principal (object) id of the app\'s user-assigned identity.')
param appPrincipalId string

// Built-in role definition id, from the Azure built-in roles reference (Monitor category).
var monitoringMetricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

resource appPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, appPrincipalId, monitoringMetricsPublisherRoleId)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Reminders app: send telemetry'
  }
}

output appInsightsConnectionString string = appInsights.properties.ConnectionString

// Optional: a Service Bus namespace (Standard: topics and duplicate detection) with one topic that the app
// publishes reminder outcomes to. Entra ID only (local auth off); the app's identity may only send, and only
// to this topic. Merchants' systems add their own subscriptions.

@description('Namespace name: 6 to 50 letters, digits and hyphens, globally unique.')
param name string

param location string

param tags object = {}

param topicName string

@description('ISO 8601 duration, 20 seconds to 7 days.')
param duplicateDetectionWindow string

@description('Principal (object) id of the app\'s user-assigned identity.')
param appPrincipalId string

// Built-in role definition id, from the Azure built-in roles reference (Integration category).
var serviceBusDataSenderRoleId = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'

resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2021-11-01' = {
  parent: namespace
  name: topicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    defaultMessageTimeToLive: 'P14D'
  }
}

resource appSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, appPrincipalId, serviceBusDataSenderRoleId)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSenderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Reminders app: publish reminder outcomes'
  }
}

// serviceBusEndpoint is https://{namespace}.servicebus.windows.net:443/ (the suffix depends on the cloud).
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]

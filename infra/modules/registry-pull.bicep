// Lets the app's identity pull images from an existing Azure Container Registry in this resource
// group (AcrPull), so the Container App needs no registry password.

param registryName string

@description('Principal (object) id of the app\'s user-assigned identity.')
param appPrincipalId string

// Built-in role definition id, from the Azure built-in roles reference (Containers category).
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource appAcrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, appPrincipalId, acrPullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Reminders app: pull its image'
  }
}

output loginServer string = registry.properties.loginServer

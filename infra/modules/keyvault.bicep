// Key Vault for the app's secrets. RBAC authorization (no access policies), soft delete and purge
// protection. Secrets are written here through ARM (control plane), so whoever deploys needs no
// data-plane role; the app's identity reads them as Key Vault Secrets User, and the app settings hold
// Key Vault references (@Microsoft.KeyVault(...)), so the values never appear in the app's configuration.

@description('Key Vault name: 3 to 24 letters, digits and single hyphens, globally unique.')
param name string

param location string

param tags object = {}

@description('Principal (object) id of the app\'s user-assigned identity.')
param appPrincipalId string

@description('Secret name -> value. Empty values are skipped, so a redeploy without them keeps what is in the vault.')
@secure()
param secretValues object

// Built-in role definition id, from the Azure built-in roles reference (Security category).
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
  }
}

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [for secret in items(secretValues): if (!empty(secret.value)) {
  parent: vault
  name: secret.key
  properties: {
    value: secret.value
  }
}]

resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    description: 'Reminders app: read its secrets'
  }
}

output name string = vault.name

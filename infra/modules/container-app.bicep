// Container Apps environment and the Reminders app. Scaling: one KEDA azure-queue rule per work
// queue (authenticated with the app's user-assigned identity, no connection string) plus an HTTP
// rule for webhook traffic; the replica count is the largest any rule asks for.

param environmentName string

param appName string

param location string

param tags object = {}

param logAnalyticsName string

param containerImage string

@description('Registry login server to pull with the app identity; empty for a public image.')
param registryServer string = ''

@description('Resource id of the app\'s user-assigned identity.')
param identityId string

@description('Plain settings: [{ name, value }].')
param plainSettings array

@description('Settings that come from Key Vault: [{ name: secret name in the vault, env: setting name }].')
param keyVaultSettings array

@description('The vault URI, ending with a slash.')
param keyVaultUri string

param storageAccountName string

@description('Queues to scale on.')
param scaledQueueNames array

@description('Target visible messages per replica for each queue rule (host.json extensions.queues.batchSize).')
param queueLengthPerReplica int

@description('Target concurrent HTTP requests per replica.')
param httpConcurrentRequests int

@minValue(1)
param minReplicas int

param maxReplicas int

@description('vCPU per replica as a string, e.g. "0.5" (with memory "1Gi").')
param cpu string

param memory string

@description('HTTP path of the readiness probe; must answer 200 without an admin key.')
param healthProbePath string

var port = 8080

var secrets = [for setting in keyVaultSettings: {
  name: setting.name
  keyVaultUrl: '${keyVaultUri}secrets/${setting.name}'
  identity: identityId
}]

var secretEnv = [for setting in keyVaultSettings: {
  name: setting.env
  secretRef: setting.name
}]

var queueRules = [for queueName in scaledQueueNames: {
  name: '${queueName}-queue'
  custom: {
    type: 'azure-queue'
    identity: identityId
    metadata: {
      accountName: storageAccountName
      queueName: queueName
      queueLength: string(queueLengthPerReplica)
    }
  }
}]

var httpRule = {
  name: 'webhooks-http'
  http: {
    metadata: {
      concurrentRequests: string(httpConcurrentRequests)
    }
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource appsEnvironment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: appName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: appsEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      maxInactiveRevisions: 5
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: empty(registryServer) ? [] : [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'reminders'
          image: containerImage
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: concat(plainSettings, secretEnv)
          probes: [
            {
              // Process up and listening; storage trouble must not restart the container.
              type: 'Startup'
              tcpSocket: {
                port: port
              }
              initialDelaySeconds: 1
              periodSeconds: 3
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              tcpSocket: {
                port: port
              }
              periodSeconds: 30
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: healthProbePath
                port: port
              }
              periodSeconds: 10
              timeoutSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: concat(queueRules, [httpRule])
      }
    }
  }
}

output appName string = app.name
output fqdn string = app.properties.configuration.ingress.fqdn
output environmentName string = appsEnvironment.name

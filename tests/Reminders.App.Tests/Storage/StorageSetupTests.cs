using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reminders.App.Orders;
using Reminders.App.Storage;
using Reminders.App.Tests.Support;
using Reminders.App.Tests.Webhooks;

namespace Reminders.App.Tests.Storage;

public sealed class StorageSetupTests(CuttableStorage storage) : IClassFixture<CuttableStorage>
{
    [Fact]
    public async Task With_storage_down_at_start_up_the_app_serves_and_creates_its_tables_and_queues_once_storage_is_back()
    {
        storage.Cut();
        using var app = new ReminderAppFactory(services: OnlyStorageSetup, storageConnectionString: storage.ConnectionString);
        using var client = app.CreateClient();
        using (var health = await client.GetAsync("/api/health"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }

        storage.Restore();

        var tables = new TableServiceClient(storage.DirectConnectionString);
        var queues = new QueueServiceClient(storage.DirectConnectionString);
        string[] expectedTables = [ReminderStorage.OrdersTable, ReminderStorage.IndexTable, ReminderStorage.BuyersTable, ReminderStorage.OutboxTable, ReminderStorage.ActivityTable];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var tableNames = await tables.QueryAsync().Select(t => t.Name).ToListAsync();
            var queueNames = await queues.GetQueuesAsync().Select(q => q.Name).ToListAsync();
            if (expectedTables.All(tableNames.Contains) && QueueNames.All.All(queueNames.Contains)) return;
            Assert.True(DateTime.UtcNow < deadline, $"tables {string.Join(", ", tableNames)}; queues {string.Join(", ", queueNames)}");
            await Task.Delay(200);
        }
    }

    /// <summary>The app's own background services off (timer and queue triggers, activity flusher), but for StorageSetup.</summary>
    private static void OnlyStorageSetup(IServiceCollection services)
    {
        var appAssembly = typeof(ReminderApp).Assembly;
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService)).ToList())
        {
            var type = descriptor.ImplementationType ?? descriptor.ImplementationFactory?.Method.DeclaringType;
            if (type?.Assembly == appAssembly && type != typeof(StorageSetup)) services.Remove(descriptor);
        }
    }
}

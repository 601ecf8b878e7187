using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Storage;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Storage;

public sealed class StorageRegistrationTests
{
    private static IConfiguration Configuration(IReadOnlyDictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static ServiceProvider Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection().AddLogging().AddStorageClients(Configuration(settings));
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void A_connection_string_gives_the_three_clients_on_its_endpoints()
    {
        using var provider = Build(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = TestStorage.ConnectionString });

        Assert.Equal(new TableServiceClient(TestStorage.ConnectionString).Uri, provider.GetRequiredService<TableServiceClient>().Uri);
        Assert.Equal(new QueueServiceClient(TestStorage.ConnectionString).Uri, provider.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal(new BlobServiceClient(TestStorage.ConnectionString).Uri, provider.GetRequiredService<BlobServiceClient>().Uri);
    }

    [Fact]
    public void An_account_name_gives_the_accounts_endpoints_with_the_default_credential()
    {
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage:accountName"] = "remindersacct" };
        using var provider = Build(settings);

        Assert.Equal("https://remindersacct.table.core.windows.net/", provider.GetRequiredService<TableServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("https://remindersacct.queue.core.windows.net/", provider.GetRequiredService<QueueServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("https://remindersacct.blob.core.windows.net/", provider.GetRequiredService<BlobServiceClient>().Uri.AbsoluteUri);
        Assert.IsType<DefaultAzureCredential>(StorageConnection.FromConfiguration(Configuration(settings)).Credential);
    }

    [Fact]
    public void Service_uris_and_a_user_assigned_managed_identity_are_taken_as_given()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage:tableServiceUri"] = "https://tables.example.net",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://queues.example.net",
            ["AzureWebJobsStorage:blobServiceUri"] = "https://blobs.example.net",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        };
        using var provider = Build(settings);

        Assert.Equal("tables.example.net", provider.GetRequiredService<TableServiceClient>().Uri.Host);
        Assert.Equal("queues.example.net", provider.GetRequiredService<QueueServiceClient>().Uri.Host);
        Assert.Equal("blobs.example.net", provider.GetRequiredService<BlobServiceClient>().Uri.Host);
        Assert.IsType<ManagedIdentityCredential>(StorageConnection.FromConfiguration(Configuration(settings)).Credential);
    }

    [Fact]
    public void A_missing_setting_stops_start_up_naming_it()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Build(new Dictionary<string, string?>()));
        Assert.Contains("AzureWebJobsStorage", refused.Message);
    }

    [Fact]
    public void A_malformed_connection_string_stops_start_up_naming_the_setting()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Build(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "AccountName=only" }));
        Assert.Contains("AzureWebJobsStorage", refused.Message);
    }

    [Fact]
    public async Task Queue_messages_are_Base64_of_UTF8_text_as_the_queue_trigger_reads_them()
    {
        using var provider = Build(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = TestStorage.ConnectionString });
        var queue = provider.GetRequiredService<QueueServiceClient>().GetQueueClient(TestStorage.UniqueName("encoding"));
        await queue.CreateAsync();
        const string text = "{\"orderId\":\"订单-1\"}";

        await queue.SendMessageAsync(text);

        var raw = new QueueClient(TestStorage.ConnectionString, queue.Name); // no decoding: the text as stored
        var stored = Assert.Single((await raw.PeekMessagesAsync()).Value);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), stored.MessageText);
        await queue.DeleteAsync();
    }

    [Fact]
    public async Task Every_client_sends_its_requests_through_the_registered_request_policies()
    {
        var seen = new SeenHosts();
        using var provider = Build(
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = TestStorage.ConnectionString },
            services => services.AddSingleton(new StorageRequestPolicy(seen)));

        await provider.GetRequiredService<TableServiceClient>().QueryAsync(maxPerPage: 1).AsPages().GetAsyncEnumerator().MoveNextAsync();
        await provider.GetRequiredService<QueueServiceClient>().GetQueuesAsync().AsPages(pageSizeHint: 1).GetAsyncEnumerator().MoveNextAsync();
        await provider.GetRequiredService<BlobServiceClient>().GetBlobContainersAsync().AsPages(pageSizeHint: 1).GetAsyncEnumerator().MoveNextAsync();

        Assert.Equal(3, seen.Ports.Distinct().Count());
    }

    private sealed class SeenHosts : HttpPipelineSynchronousPolicy
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<int> _ports = [];

        public IEnumerable<int> Ports => _ports;

        public override void OnSendingRequest(HttpMessage message) => _ports.Add(message.Request.Uri.Port);
    }
}

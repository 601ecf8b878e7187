using System.Net;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Reminders.TestSupport;

namespace Reminders.Storage.Tests.Tables;

public sealed class TableProtocolTests
{
    [Fact]
    public async Task A_storage_endpoint_that_is_down_fails_with_RequestFailedException_after_the_retries()
    {
        var port = TestStorage.FreePort();
        var counter = new RequestCounter();
        var options = new StorageClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        var service = new TableServiceClient(TestStorage.ConnectionStringFor(port, port, port), options);
        var table = service.GetTableClient("Orders");

        var create = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.CreateIfNotExistsAsync().WaitAsync(TimeSpan.FromMinutes(2)));
        var get = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.GetEntityIfExistsAsync("p", "r").WaitAsync(TimeSpan.FromMinutes(2)));

        Assert.Equal(0, create.Status);
        Assert.Contains($"127.0.0.1:{port}", create.Message);
        Assert.Contains("3 attempts", create.Message);
        Assert.Equal(0, get.Status);
        Assert.Equal(6, counter.Count);
    }

    [Fact]
    public async Task Requests_carry_the_table_protocol_headers_and_an_exact_Content_Type()
    {
        var handler = new ScriptedHandler(_ => new HttpResponseMessage(HttpStatusCode.NoContent));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));
        var options = handler.Options();
        options.TimeProvider = time;
        var table = new TableClient(new Uri("http://127.0.0.1:10002/devstoreaccount1"), "Orders",
            new StorageSharedKeyCredential(TestStorage.AccountName, TestStorage.AccountKey), options);

        await table.UpsertEntityAsync(new TableEntity("o'1", "r 1") { ["N"] = 1 }, TableUpdateMode.Replace);
        await table.DeleteEntityAsync("p", "r");

        var (upsert, body) = handler.Requests[0];
        Assert.Equal("PUT", upsert.Method.Method);
        Assert.Equal("/devstoreaccount1/Orders(PartitionKey='o%27%271',RowKey='r%201')", upsert.RequestUri!.AbsolutePath);
        Assert.Equal("application/json", upsert.Content!.Headers.NonValidated["Content-Type"].ToString());
        Assert.Equal("application/json;odata=minimalmetadata", upsert.Headers.NonValidated["Accept"].ToString());
        Assert.Equal("3.0;NetFx", upsert.Headers.GetValues("DataServiceVersion").Single());
        Assert.Equal("3.0;NetFx", upsert.Headers.GetValues("MaxDataServiceVersion").Single());
        Assert.Equal("Mon, 05 Jan 2026 12:00:00 GMT", upsert.Headers.GetValues("x-ms-date").Single());
        Assert.False(string.IsNullOrEmpty(upsert.Headers.GetValues("x-ms-version").Single()));
        Assert.False(upsert.Headers.Contains("If-Match"));
        Assert.Equal("""{"PartitionKey":"o'1","RowKey":"r 1","N":1}""", body);

        var expectedSignature = new StorageSharedKeyCredential(TestStorage.AccountName, TestStorage.AccountKey).ComputeSignature(
            "PUT\n\napplication/json\nMon, 05 Jan 2026 12:00:00 GMT\n/devstoreaccount1/devstoreaccount1/Orders(PartitionKey='o%27%271',RowKey='r%201')");
        Assert.Equal($"SharedKey devstoreaccount1:{expectedSignature}", upsert.Headers.GetValues("Authorization").Single());

        var (delete, _) = handler.Requests[1];
        Assert.Equal("DELETE", delete.Method.Method);
        Assert.Equal("*", delete.Headers.GetValues("If-Match").Single());
    }

    [Fact]
    public async Task A_token_credential_sends_a_bearer_token_for_the_storage_scope()
    {
        var handler = new ScriptedHandler(_ => ScriptedHandler.Json("""{"value":[{"TableName":"Orders"}]}"""));
        var credential = new StaticTokenCredential();
        var service = new TableServiceClient(new Uri("https://account.table.core.windows.net/"), credential, handler.Options());

        var tables = await service.QueryAsync(maxPerPage: 1).ToListAsync();

        Assert.Equal("Orders", Assert.Single(tables).Name);
        var request = Assert.Single(handler.Requests).Request;
        Assert.Equal("https://account.table.core.windows.net/Tables?$top=1", request.RequestUri!.OriginalString);
        Assert.Equal("Bearer token-1", request.Headers.GetValues("Authorization").Single());
        Assert.True(request.Headers.Contains("x-ms-date"));
        Assert.Equal(["https://storage.azure.com/.default"], credential.Scopes);
    }

    private sealed class StaticTokenCredential : TokenCredential
    {
        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            return new AccessToken("token-1", TimeProvider.System.GetUtcNow().AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}

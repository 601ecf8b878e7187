using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Reminders.Storage.Tests.Tables;
using Reminders.TestSupport;

namespace Reminders.Storage.Tests.Common;

/// <summary>
/// Table Shared Key: <c>VERB\nContent-MD5\nContent-Type\nDate\nCanonicalizedResource</c>, where the
/// resource is <c>/{account}{path}</c> plus only <c>?comp=</c>, signed with HMAC-SHA256 of the key.
/// </summary>
public sealed class TableSharedKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
    private const string Date = "Mon, 05 Jan 2026 12:00:00 GMT";

    [Fact]
    public void String_to_sign_of_a_query_follows_the_documented_layout()
    {
        var request = NewRequest(RequestMethod.Get, "http://127.0.0.1:10002/devstoreaccount1/Orders()?$filter=PartitionKey%20eq%20%27a%27&$top=5");

        var stringToSign = TableSharedKeyPolicy.BuildStringToSign(request, TestStorage.AccountName, Date);

        Assert.Equal("GET\n\n\n" + Date + "\n/devstoreaccount1/devstoreaccount1/Orders()", stringToSign);
    }

    [Fact]
    public void String_to_sign_keeps_comp_and_the_signed_Content_Type()
    {
        var request = NewRequest(RequestMethod.Put, "https://account.table.core.windows.net/?restype=service&comp=properties");
        request.Headers.SetValue("Content-Type", "application/xml");
        request.Headers.SetValue("Content-MD5", "q1w2e3==");

        var stringToSign = TableSharedKeyPolicy.BuildStringToSign(request, "account", Date);

        Assert.Equal("PUT\nq1w2e3==\napplication/xml\n" + Date + "\n/account/?comp=properties", stringToSign);
    }

    [Fact]
    public async Task Authorization_header_is_the_HMAC_of_the_hand_built_string_with_the_Azurite_key()
    {
        var handler = new ScriptedHandler(request => request.Method == HttpMethod.Get
            ? ScriptedHandler.Json("""{"value":[]}""")
            : new HttpResponseMessage(HttpStatusCode.NoContent));
        var options = handler.Options();
        options.TimeProvider = new FakeTimeProvider(Now);
        var table = new TableClient(TestStorage.ConnectionStringFor(10000, 10001, 10002), "Orders", options);

        await table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {"a"}")).ToListAsync();
        await table.AddEntityAsync(new TableEntity("p", "r"));

        var query = handler.Requests[0].Request;
        Assert.Equal(Date, query.Headers.GetValues("x-ms-date").Single());
        var queryString = "GET\n\n\n" + Date + "\n/devstoreaccount1/devstoreaccount1/Orders()";
        Assert.Equal("SharedKey devstoreaccount1:" + Hmac(queryString), query.Headers.GetValues("Authorization").Single());
        // Computed independently: printf '<string>' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<key as hex> -binary | base64
        Assert.Equal("SharedKey devstoreaccount1:a4Jw4xytZ56BeYKLzDvFol4/hpoJFQWnXvcyHAuXqXM=", query.Headers.GetValues("Authorization").Single());

        var insert = handler.Requests[1].Request;
        var sentContentType = insert.Content!.Headers.NonValidated["Content-Type"].ToString();
        Assert.Equal("application/json", sentContentType);
        var insertString = "POST\n\n" + sentContentType + "\n" + Date + "\n/devstoreaccount1/devstoreaccount1/Orders";
        Assert.Equal("SharedKey devstoreaccount1:" + Hmac(insertString), insert.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public async Task Each_retry_is_signed_again_with_a_fresh_date()
    {
        var time = new FakeTimeProvider(Now);
        var attempts = 0;
        var handler = new ScriptedHandler(_ =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return new HttpResponseMessage(++attempts == 1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NoContent);
        });
        var options = handler.Options();
        options.TimeProvider = time;
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        var table = new TableClient(TestStorage.ConnectionStringFor(10000, 10001, 10002), "Orders", options);

        await table.DeleteEntityAsync("p", "r");

        var dates = handler.Requests.Select(r => r.Request.Headers.GetValues("x-ms-date").Single()).ToList();
        Assert.Equal([Date, "Mon, 05 Jan 2026 12:00:01 GMT"], dates);
        Assert.NotEqual(handler.Requests[0].Request.Headers.GetValues("Authorization").Single(), handler.Requests[1].Request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public async Task Azurite_refuses_a_wrong_key_with_403()
    {
        var real = StorageConnectionString.Parse(TestStorage.ConnectionString);
        var wrongKey = Convert.ToBase64String(Enumerable.Repeat((byte)7, 64).ToArray());
        var service = new TableServiceClient(real.TableEndpoint, new StorageSharedKeyCredential(real.AccountName, wrongKey));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => service.CreateTableIfNotExistsAsync(TestStorage.UniqueName("auth")));

        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationFailure", error.ErrorCode);
    }

    private static Request NewRequest(RequestMethod method, string uri)
    {
        var request = HttpPipelineBuilder.Build(new StorageClientOptions()).CreateRequest();
        request.Method = method;
        request.Uri.Reset(new Uri(uri));
        return request;
    }

    private static string Hmac(string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(TestStorage.AccountKey), Encoding.UTF8.GetBytes(stringToSign)));
}

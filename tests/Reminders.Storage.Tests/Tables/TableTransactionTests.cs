using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Azure;
using Reminders.TestSupport;

namespace Reminders.Storage.Tests.Tables;

public sealed class TableTransactionTests
{
    [Fact]
    public async Task Every_action_type_is_applied_in_one_transaction()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var table = azurite.Table;
        foreach (var row in new[] { "merge", "replace", "updmerge", "updreplace", "delete" })
        {
            await table.AddEntityAsync(new TableEntity("p", row) { ["Old"] = "old", ["N"] = 0 });
        }
        var etag = (await table.GetEntityAsync("p", "updmerge")).Value.ETag;

        var result = await table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "added") { ["N"] = 1 }),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "merge") { ["N"] = 2 }),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "replace") { ["N"] = 3 }),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "updmerge") { ["N"] = 4 }, etag),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "updreplace") { ["N"] = 5 }),
            new(TableTransactionActionType.Delete, new TableEntity("p", "delete")),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "newupsert") { ["N"] = 6 }),
        ]);

        Assert.Equal(202, result.GetRawResponse().Status);
        Assert.Equal(7, result.Value.Count);
        Assert.All(result.Value, r => Assert.InRange(r.Status, 200, 299));

        var rows = (await table.QueryAsync().ToListAsync()).ToDictionary(e => e.RowKey);
        Assert.Equal(["added", "merge", "newupsert", "replace", "updmerge", "updreplace"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, rows["added"].GetInt32("N"));
        Assert.Equal(("old", 2), (rows["merge"].GetString("Old"), rows["merge"].GetInt32("N")));
        Assert.Equal((null, 3), (rows["replace"].GetString("Old"), rows["replace"].GetInt32("N")));
        Assert.Equal(("old", 4), (rows["updmerge"].GetString("Old"), rows["updmerge"].GetInt32("N")));
        Assert.Equal((null, 5), (rows["updreplace"].GetString("Old"), rows["updreplace"].GetInt32("N")));
        Assert.Equal(6, rows["newupsert"].GetInt32("N"));
    }

    [Fact]
    public async Task A_failing_last_action_leaves_nothing_written_and_names_its_index()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var table = azurite.Table;
        await table.AddEntityAsync(new TableEntity("p", "existing") { ["N"] = 0 });

        var actions = Enumerable.Range(0, 4)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"new{i}") { ["N"] = i }))
            .Append(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "existing") { ["N"] = 100 }))
            .ToList();

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(actions));

        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.Equal(4, error.FailedTransactionActionIndex);
        Assert.Contains("action 4 (Add)", error.Message);
        Assert.IsAssignableFrom<RequestFailedException>(error);
        var rows = await table.QueryAsync().ToListAsync();
        Assert.Equal("existing", Assert.Single(rows).RowKey);
        Assert.Equal(0, rows[0].GetInt32("N"));
    }

    [Fact]
    public async Task A_stale_ETag_in_the_middle_fails_with_412_at_its_index()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var table = azurite.Table;
        await table.AddEntityAsync(new TableEntity("p", "a") { ["N"] = 0 });
        var stale = (await table.GetEntityAsync("p", "a")).Value.ETag;
        await table.UpsertEntityAsync(new TableEntity("p", "a") { ["N"] = 1 });

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "b")),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "a") { ["N"] = 2 }, stale),
            new(TableTransactionActionType.Add, new TableEntity("p", "c")),
        ]));

        Assert.Equal(412, error.Status);
        Assert.Equal("UpdateConditionNotSatisfied", error.ErrorCode);
        Assert.Equal(1, error.FailedTransactionActionIndex);
        var rows = await table.QueryAsync().ToListAsync();
        Assert.Equal(1, Assert.Single(rows).GetInt32("N"));
    }

    [Fact]
    public async Task Invalid_transactions_are_refused_before_any_request()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var before = azurite.Counter.Count;
        TableTransactionAction Add(string pk, string rk) => new(TableTransactionActionType.Add, new TableEntity(pk, rk));

        var empty = await Assert.ThrowsAsync<ArgumentException>(() => azurite.Table.SubmitTransactionAsync([]));
        var tooMany = await Assert.ThrowsAsync<ArgumentException>(
            () => azurite.Table.SubmitTransactionAsync(Enumerable.Range(0, 101).Select(i => Add("p", $"r{i}"))));
        var twoPartitions = await Assert.ThrowsAsync<ArgumentException>(
            () => azurite.Table.SubmitTransactionAsync([Add("p", "r1"), Add("q", "r2")]));
        var sameEntityTwice = await Assert.ThrowsAsync<ArgumentException>(
            () => azurite.Table.SubmitTransactionAsync([Add("p", "r1"), Add("p", "r2"), new(TableTransactionActionType.Delete, new TableEntity("p", "r1"))]));
        var badKey = await Assert.ThrowsAsync<ArgumentException>(
            () => azurite.Table.SubmitTransactionAsync([Add("p", "r1"), Add("p", "bad/key")]));

        Assert.Contains("0", empty.Message);
        Assert.Contains("101", tooMany.Message);
        Assert.Contains("action 1", twoPartitions.Message);
        Assert.Contains("action 2", sameEntityTwice.Message);
        Assert.Contains("bad/key", badKey.Message);
        Assert.Equal(before, azurite.Counter.Count);
        Assert.Empty(await azurite.Table.QueryAsync().ToListAsync());
    }

    [Fact]
    public async Task A_transaction_of_100_actions_is_accepted()
    {
        await using var azurite = await AzuriteTable.CreateAsync();

        var result = await azurite.Table.SubmitTransactionAsync(Enumerable.Range(0, 100)
            .Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", $"r{i:D3}") { ["N"] = i })));

        Assert.Equal(100, result.Value.Count);
        Assert.Equal(100, (await azurite.Table.QueryAsync().ToListAsync()).Count);
    }

    [Fact]
    public async Task The_service_failure_format_without_Content_ID_is_read_from_the_message_index()
    {
        const string body =
            "--batchresponse_7ab1553a\r\n" +
            "Content-Type: multipart/mixed; boundary=changesetresponse_0d5a1d2b\r\n\r\n" +
            "--changesetresponse_0d5a1d2b\r\n" +
            "Content-Type: application/http\r\n" +
            "Content-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 400 Bad Request\r\n" +
            "X-Content-Type-Options: nosniff\r\n" +
            "DataServiceVersion: 1.0;\r\n" +
            "Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n" +
            "{\"odata.error\":{\"code\":\"InvalidInput\",\"message\":{\"lang\":\"en-US\",\"value\":\"1:One of the request inputs is not valid.\\nRequestId:x\\nTime:y\"}}}\r\n" +
            "--changesetresponse_0d5a1d2b--\r\n" +
            "--batchresponse_7ab1553a--\r\n";
        var handler = new ScriptedHandler(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent(body, Encoding.UTF8) };
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/mixed; boundary=batchresponse_7ab1553a");
            return response;
        });
        var table = new TableClient(new Uri("https://account.table.core.windows.net"), "Orders",
            new StorageSharedKeyCredential("account", TestStorage.AccountKey), handler.Options());

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "b")),
        ]));

        Assert.Equal(400, error.Status);
        Assert.Equal("InvalidInput", error.ErrorCode);
        Assert.Equal(1, error.FailedTransactionActionIndex);
        Assert.Contains("One of the request inputs is not valid.", error.Message);

        var sent = Assert.Single(handler.Requests);
        Assert.Equal("https://account.table.core.windows.net/$batch", sent.Request.RequestUri!.AbsoluteUri);
        Assert.StartsWith("multipart/mixed; boundary=batch_", sent.Request.Content!.Headers.ContentType!.ToString());
        Assert.Contains("POST https://account.table.core.windows.net/Orders HTTP/1.1\r\n", sent.Body);
        Assert.Contains("MERGE https://account.table.core.windows.net/Orders(PartitionKey='p',RowKey='b') HTTP/1.1\r\n", sent.Body);
    }
}

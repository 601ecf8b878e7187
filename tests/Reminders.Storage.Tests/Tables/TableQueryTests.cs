using System.Net;
using Azure;

namespace Reminders.Storage.Tests.Tables;

public sealed class TableQueryTests
{
    [Fact]
    public async Task Query_follows_continuation_tokens_over_more_than_1000_entities()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        const int total = 1234;
        for (var start = 0; start < total; start += 100)
        {
            var partition = $"p{start / 500}";
            var batch = Enumerable.Range(start, Math.Min(100, total - start))
                .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, $"r{i:D5}") { ["N"] = i }));
            // Each transaction stays inside one partition: 500 is a multiple of 100.
            await azurite.Table.SubmitTransactionAsync(batch);
        }

        var pages = new List<Page<TableEntity>>();
        await foreach (var page in azurite.Table.QueryAsync().AsPages()) pages.Add(page);

        var numbers = pages.SelectMany(p => p.Values).Select(e => e.GetInt32("N")!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, total), numbers.Order());
        Assert.True(pages.Count >= 2, $"expected several pages, got {pages.Count}");
        Assert.All(pages, p => Assert.True(p.Values.Count <= 1000));
        Assert.NotNull(pages[0].ContinuationToken);
        Assert.Null(pages[^1].ContinuationToken);

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {"p1"} and N ge {600}");
        var filtered = new List<Page<TableEntity>>();
        await foreach (var page in azurite.Table.QueryAsync(filter, maxPerPage: 150).AsPages()) filtered.Add(page);
        Assert.Equal(Enumerable.Range(600, 400), filtered.SelectMany(p => p.Values).Select(e => e.GetInt32("N")!.Value).Order());
        Assert.All(filtered, p => Assert.True(p.Values.Count <= 150));
        Assert.True(filtered.Count >= 3);
    }

    [Fact]
    public async Task A_continuation_token_resumes_the_query_in_a_new_enumeration()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        await azurite.Table.SubmitTransactionAsync(Enumerable.Range(0, 25)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i:D2}"))));

        Page<TableEntity>? first = null;
        await foreach (var page in azurite.Table.QueryAsync(maxPerPage: 10).AsPages())
        {
            first = page;
            break;
        }
        Assert.NotNull(first?.ContinuationToken);

        var rest = new List<string>();
        await foreach (var page in azurite.Table.QueryAsync(maxPerPage: 10).AsPages(first.ContinuationToken))
        {
            rest.AddRange(page.Values.Select(e => e.RowKey));
        }

        Assert.Equal(10, first.Values.Count);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"r{i:D2}"), first.Values.Select(e => e.RowKey).Concat(rest));
    }

    [Fact]
    public async Task Empty_pages_that_carry_a_continuation_are_followed()
    {
        var handler = new ScriptedHandler(request =>
        {
            var query = WebUtility.UrlDecode(request.RequestUri!.Query);
            if (!query.Contains("NextPartitionKey", StringComparison.Ordinal))
            {
                return ScriptedHandler.Json("""{"value":[]}""",
                    ("x-ms-continuation-NextPartitionKey", "1!4!cDE-"), ("x-ms-continuation-NextRowKey", "1!4!cjE-"));
            }
            if (query.Contains("NextPartitionKey=1!4!cDE-", StringComparison.Ordinal) && query.Contains("NextRowKey=1!4!cjE-", StringComparison.Ordinal))
            {
                return ScriptedHandler.Json("""{"value":[{"PartitionKey":"p1","RowKey":"r1","N":1}]}""",
                    ("x-ms-continuation-NextPartitionKey", "1!4!cDI-"));
            }
            return ScriptedHandler.Json("""{"value":[{"PartitionKey":"p2","RowKey":"r2","N":2}]}""");
        });
        var table = new TableClient(new Uri("http://127.0.0.1:1/devstoreaccount1"), "Orders",
            new StorageSharedKeyCredential(Reminders.TestSupport.TestStorage.AccountName, Reminders.TestSupport.TestStorage.AccountKey), handler.Options());

        var pages = new List<Page<TableEntity>>();
        await foreach (var page in table.QueryAsync().AsPages()) pages.Add(page);

        Assert.Equal(3, pages.Count);
        Assert.Empty(pages[0].Values);
        Assert.Equal("1!4!cDE- 1!4!cjE-", pages[0].ContinuationToken);
        Assert.Equal(["r1", "r2"], pages.SelectMany(p => p.Values).Select(e => e.RowKey));
        Assert.Contains("NextPartitionKey=1!4!cDI-", WebUtility.UrlDecode(handler.Requests[2].Request.RequestUri!.Query), StringComparison.Ordinal);
        Assert.DoesNotContain("NextRowKey", handler.Requests[2].Request.RequestUri!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filter_values_with_quotes_and_injection_attempts_match_only_the_literal()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var injection = "nobody' or PartitionKey ne '";
        var names = new[] { "O'Brien", "O''Brien", injection, "plain" };
        for (var i = 0; i < names.Length; i++)
        {
            await azurite.Table.AddEntityAsync(new TableEntity("p", $"r{i}") { ["Name"] = names[i] });
        }

        foreach (var name in names)
        {
            var filter = TableClient.CreateQueryFilter($"Name eq {name}");
            var found = await azurite.Table.QueryAsync(filter).ToListAsync();
            Assert.Equal(name, Assert.Single(found).GetString("Name"));
        }

        var attack = TableClient.CreateQueryFilter($"Name eq {"x' or Name ne 'x"}");
        Assert.Empty(await azurite.Table.QueryAsync(attack).ToListAsync());
    }

    [Fact]
    public async Task Typed_filter_literals_match_stored_values()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var guid = Guid.NewGuid();
        var moment = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        byte[] bytes = [1, 2, 255];
        await azurite.Table.AddEntityAsync(new TableEntity("p", "match")
        {
            ["L"] = 1L << 40, ["I"] = 7, ["D"] = 2.0, ["B"] = true, ["T"] = moment, ["G"] = guid, ["Bin"] = bytes,
        });
        await azurite.Table.AddEntityAsync(new TableEntity("p", "other")
        {
            ["L"] = 1L, ["I"] = 8, ["D"] = 2.5, ["B"] = false, ["T"] = moment.AddDays(1), ["G"] = Guid.NewGuid(), ["Bin"] = new byte[] { 3 },
        });

        FormattableString[] filters =
        [
            $"L eq {1L << 40}",
            $"I eq {7}",
            $"D eq {2.0}",
            $"B eq {true}",
            $"T eq {moment}",
            $"T lt {moment.AddHours(1)}",
            $"G eq {guid}",
            $"Bin eq {bytes}",
            $"RowKey eq {"match"} and I lt {8} and not (B eq {false})",
        ];
        foreach (var filter in filters)
        {
            var text = TableClient.CreateQueryFilter(filter);
            var found = await azurite.Table.QueryAsync(text).ToListAsync();
            Assert.True(found.Count == 1 && found[0].RowKey == "match", $"filter {text} found [{string.Join(", ", found.Select(e => e.RowKey))}]");
        }
    }

    [Fact]
    public void CreateQueryFilter_writes_every_value_as_an_OData_literal()
    {
        var moment = new DateTimeOffset(2026, 1, 2, 11, 4, 5, TimeSpan.FromHours(8));
        var guid = Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301");

        var filter = TableClient.CreateQueryFilter(
            $"S eq {"it's"} and L eq {5L} and I eq {5} and D eq {2.0} and F eq {0.5} and B eq {false} and T eq {moment} and G eq {guid} and X eq {new byte[] { 0xAB, 1 }} and N eq {null}");

        Assert.Equal(
            "S eq 'it''s' and L eq 5L and I eq 5 and D eq 2.0 and F eq 0.5 and B eq false and T eq datetime'2026-01-02T03:04:05.0000000Z' " +
            "and G eq guid'3f2504e0-4f89-11d3-9a0c-0305e82c3301' and X eq X'AB01' and N eq null",
            filter);
    }
}

using Azure;
using Reminders.TestSupport;

namespace Reminders.Storage.Tests.Tables;

/// <summary>Table and entity operations against a real Azurite.</summary>
public sealed class TableClientTests
{
    [Fact]
    public async Task Tables_are_created_listed_and_deleted()
    {
        var service = new TableServiceClient(TestStorage.ConnectionString);
        var name = TestStorage.UniqueName("tbl");

        var created = await service.CreateTableIfNotExistsAsync(name);
        var again = await service.CreateTableIfNotExistsAsync(name);
        Assert.Equal(name, created.Value.Name);
        Assert.Equal(name, again.Value.Name);
        Assert.Equal(409, again.GetRawResponse().Status);
        var duplicate = await Assert.ThrowsAsync<RequestFailedException>(() => service.CreateTableAsync(name));
        Assert.Equal(409, duplicate.Status);
        Assert.Equal("TableAlreadyExists", duplicate.ErrorCode);

        Assert.Equal([name], await ListAsync(service, name));

        var deleted = await service.DeleteTableAsync(name);
        Assert.Equal(204, deleted.Status);
        Assert.Empty(await ListAsync(service, name));
        var deletedAgain = await service.DeleteTableAsync(name);
        Assert.Equal(404, deletedAgain.Status);
    }

    [Fact]
    public async Task Table_listing_pages_follow_the_continuation()
    {
        var service = new TableServiceClient(TestStorage.ConnectionString);
        var prefix = "pg" + TestStorage.UniqueName("")[..8];
        var names = Enumerable.Range(0, 5).Select(i => $"{prefix}n{i}").ToList();
        foreach (var name in names) await service.CreateTableIfNotExistsAsync(name);
        try
        {
            var filter = TableClient.CreateQueryFilter($"TableName ge {prefix} and TableName lt {prefix + "z"}");
            var pages = new List<Page<TableItem>>();
            await foreach (var page in service.QueryAsync(filter, maxPerPage: 2).AsPages()) pages.Add(page);

            Assert.Equal(names, pages.SelectMany(p => p.Values).Select(t => t.Name).Order(StringComparer.Ordinal));
            Assert.True(pages.Count >= 3, $"expected at least 3 pages of 2, got {pages.Count}");
            Assert.All(pages, p => Assert.True(p.Values.Count <= 2));
        }
        finally
        {
            foreach (var name in names) await service.DeleteTableAsync(name);
        }
    }

    [Fact]
    public async Task Added_entity_is_read_back_and_missing_entity_is_absent_not_an_error()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var table = azurite.Table;
        var entity = new TableEntity("p1", "r1") { ["Name"] = "first", ["Count"] = 3 };

        var added = await table.AddEntityAsync(entity);
        Assert.Equal(204, added.Status);

        var read = (await table.GetEntityAsync("p1", "r1")).Value;
        Assert.Equal("p1", read.PartitionKey);
        Assert.Equal("r1", read.RowKey);
        Assert.Equal("first", read.GetString("Name"));
        Assert.Equal(3, read.GetInt32("Count"));
        Assert.NotEqual(default, read.ETag);
        Assert.NotNull(read.Timestamp);

        var found = await table.GetEntityIfExistsAsync("p1", "r1");
        Assert.True(found.HasValue);
        Assert.Equal("first", found.Value!.GetString("Name"));

        var missing = await table.GetEntityIfExistsAsync("p1", "nope");
        Assert.False(missing.HasValue);
        Assert.Null(missing.Value);
        Assert.Equal(404, missing.GetRawResponse().Status);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync("p1", "nope"));
        Assert.Equal(404, error.Status);
        Assert.Equal("ResourceNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task Adding_an_existing_entity_fails_with_409_EntityAlreadyExists()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        await azurite.Table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 1 });

        var error = await Assert.ThrowsAsync<RequestFailedException>(
            () => azurite.Table.AddEntityAsync(new TableEntity("p", "r") { ["V"] = 2 }));

        Assert.Equal(409, error.Status);
        Assert.Equal("EntityAlreadyExists", error.ErrorCode);
        Assert.Equal(1, (await azurite.Table.GetEntityAsync("p", "r")).Value.GetInt32("V"));
    }

    [Fact]
    public async Task Select_reads_only_the_named_properties()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        await azurite.Table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = "a", ["B"] = "b", ["C"] = 3 });

        var read = (await azurite.Table.GetEntityAsync("p", "r", select: ["A", "C"])).Value;
        var queried = await azurite.Table.QueryAsync(select: ["B"]).ToListAsync();

        Assert.Equal("a", read.GetString("A"));
        Assert.Equal(3, read.GetInt32("C"));
        Assert.False(read.ContainsKey("B"));
        Assert.Equal("b", Assert.Single(queried).GetString("B"));
        Assert.False(queried[0].ContainsKey("A"));
    }

    [Fact]
    public async Task Upsert_merge_keeps_other_properties_and_replace_drops_them()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var table = azurite.Table;

        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = "a", ["B"] = "b" });
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["B"] = "b2", ["C"] = "c" });
        var merged = (await table.GetEntityAsync("p", "r")).Value;
        Assert.Equal(("a", "b2", "c"), (merged.GetString("A"), merged.GetString("B"), merged.GetString("C")));

        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["D"] = "d" }, TableUpdateMode.Replace);
        var replaced = (await table.GetEntityAsync("p", "r")).Value;
        Assert.Equal("d", replaced.GetString("D"));
        Assert.False(replaced.ContainsKey("A"));
        Assert.False(replaced.ContainsKey("B"));
    }

    [Fact]
    public async Task Update_with_the_current_ETag_succeeds_and_with_a_stale_one_fails_with_412()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var table = azurite.Table;
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = "a", ["N"] = 1 });
        var original = (await table.GetEntityAsync("p", "r")).Value;

        var update = new TableEntity("p", "r") { ["N"] = 2 };
        var updated = await table.UpdateEntityAsync(update, original.ETag);
        Assert.Equal(204, updated.Status);
        var afterMerge = (await table.GetEntityAsync("p", "r")).Value;
        Assert.Equal(("a", 2), (afterMerge.GetString("A"), afterMerge.GetInt32("N")));
        Assert.NotEqual(original.ETag, afterMerge.ETag);
        Assert.Equal(afterMerge.ETag, updated.Headers.ETag);

        var stale = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "r") { ["N"] = 3 }, original.ETag, TableUpdateMode.Replace));
        Assert.Equal(412, stale.Status);
        Assert.Equal("UpdateConditionNotSatisfied", stale.ErrorCode);

        await table.UpdateEntityAsync(new TableEntity("p", "r") { ["N"] = 4 }, afterMerge.ETag, TableUpdateMode.Replace);
        var afterReplace = (await table.GetEntityAsync("p", "r")).Value;
        Assert.Equal(4, afterReplace.GetInt32("N"));
        Assert.False(afterReplace.ContainsKey("A"));

        await table.UpdateEntityAsync(new TableEntity("p", "r") { ["N"] = 5 }, ETag.All);
        Assert.Equal(5, (await table.GetEntityAsync("p", "r")).Value.GetInt32("N"));

        var missing = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "missing") { ["N"] = 1 }, ETag.All));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task Delete_honours_the_ETag_and_a_missing_entity_is_not_an_error()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var table = azurite.Table;
        await table.AddEntityAsync(new TableEntity("p", "r") { ["N"] = 1 });
        var first = (await table.GetEntityAsync("p", "r")).Value;
        await table.UpdateEntityAsync(new TableEntity("p", "r") { ["N"] = 2 }, first.ETag);

        var stale = await Assert.ThrowsAsync<RequestFailedException>(() => table.DeleteEntityAsync("p", "r", first.ETag));
        Assert.Equal(412, stale.Status);
        Assert.True((await table.GetEntityIfExistsAsync("p", "r")).HasValue);

        var current = (await table.GetEntityAsync("p", "r")).Value;
        Assert.Equal(204, (await table.DeleteEntityAsync("p", "r", current.ETag)).Status);
        Assert.False((await table.GetEntityIfExistsAsync("p", "r")).HasValue);

        await table.AddEntityAsync(new TableEntity("p", "r2"));
        Assert.Equal(204, (await table.DeleteEntityAsync("p", "r2")).Status);
        Assert.Equal(404, (await table.DeleteEntityAsync("p", "r2")).Status);
    }

    [Theory]
    [InlineData("O'Brien", "it's 'quoted'")]
    [InlineData("with space & plus+", "percent%20 and = and ; and ,")]
    [InlineData("中文分区", "émoji 🎉")]
    [InlineData("paren(s)", "''")]
    public async Task Keys_with_quotes_and_special_characters_work_in_urls(string partitionKey, string rowKey)
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var table = azurite.Table;

        await table.AddEntityAsync(new TableEntity(partitionKey, rowKey) { ["N"] = 1 });
        var read = (await table.GetEntityAsync(partitionKey, rowKey)).Value;
        Assert.Equal((partitionKey, rowKey), (read.PartitionKey, read.RowKey));

        await table.UpdateEntityAsync(new TableEntity(partitionKey, rowKey) { ["N"] = 2 }, read.ETag);
        await table.UpsertEntityAsync(new TableEntity(partitionKey, rowKey) { ["M"] = 3 });
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey eq {rowKey}");
        var queried = Assert.Single(await table.QueryAsync(filter).ToListAsync());
        Assert.Equal((2, 3), (queried.GetInt32("N"), queried.GetInt32("M")));

        Assert.Equal(204, (await table.DeleteEntityAsync(partitionKey, rowKey)).Status);
        Assert.False((await table.GetEntityIfExistsAsync(partitionKey, rowKey)).HasValue);
    }

    [Fact]
    public async Task Two_concurrent_writers_with_one_ETag_exactly_one_wins()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var table = azurite.Table;
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Writer"] = "none" });
        var etag = (await table.GetEntityAsync("p", "r")).Value.ETag;

        async Task<int> WriteAsync(string writer)
        {
            try
            {
                return (await table.UpdateEntityAsync(new TableEntity("p", "r") { ["Writer"] = writer }, etag, TableUpdateMode.Replace)).Status;
            }
            catch (RequestFailedException e)
            {
                return e.Status;
            }
        }

        var results = await Task.WhenAll(Task.Run(() => WriteAsync("a")), Task.Run(() => WriteAsync("b")));

        Assert.Equal([204, 412], results.Order());
        var winner = results[0] == 204 ? "a" : "b";
        Assert.Equal(winner, (await table.GetEntityAsync("p", "r")).Value.GetString("Writer"));
    }

    private static async Task<List<string>> ListAsync(TableServiceClient service, string name)
    {
        var names = new List<string>();
        await foreach (var table in service.QueryAsync(TableClient.CreateQueryFilter($"TableName eq {name}")))
        {
            names.Add(table.Name);
        }
        return names;
    }
}

using Azure;

namespace Reminders.Storage.Tests.Tables;

/// <summary>Bad names and keys never reach the wire: the request counter stays at zero.</summary>
public sealed class TableValidationTests
{
    [Theory]
    [InlineData("1orders")]
    [InlineData("ab")]
    [InlineData("has-dash")]
    [InlineData("under_score")]
    [InlineData("")]
    [InlineData("Orders'); DELETE")]
    public async Task Invalid_table_names_are_refused_naming_the_value(string name)
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var before = azurite.Counter.Count;

        var fromGet = Assert.Throws<ArgumentException>(() => azurite.Service.GetTableClient(name));
        var fromCreate = await Assert.ThrowsAsync<ArgumentException>(() => azurite.Service.CreateTableIfNotExistsAsync(name));
        var fromDelete = await Assert.ThrowsAsync<ArgumentException>(() => azurite.Service.DeleteTableAsync(name));

        Assert.All([fromGet, fromCreate, fromDelete], e => Assert.Contains($"'{name}'", e.Message));
        Assert.Equal(before, azurite.Counter.Count);
    }

    public static TheoryData<string, string> BadKeys => new()
    {
        { "slash/key", "/" },
        { "back\\slash", "\\" },
        { "hash#key", "#" },
        { "question?key", "?" },
        { "tab\tkey", "\\u0009" },
        { "del\u007Fkey", "\\u007F" },
        { "c1\u0085key", "\\u0085" },
        { new string('k', 513), "513" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task Invalid_keys_are_refused_before_any_request(string badKey, string shownInMessage)
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var table = azurite.Table;
        var before = azurite.Counter.Count;

        var errors = new List<ArgumentException>
        {
            await Assert.ThrowsAsync<ArgumentException>(() => table.AddEntityAsync(new TableEntity(badKey, "r"))),
            await Assert.ThrowsAsync<ArgumentException>(() => table.AddEntityAsync(new TableEntity("p", badKey))),
            await Assert.ThrowsAsync<ArgumentException>(() => table.UpsertEntityAsync(new TableEntity("p", badKey))),
            await Assert.ThrowsAsync<ArgumentException>(() => table.UpdateEntityAsync(new TableEntity(badKey, "r"), ETag.All)),
            await Assert.ThrowsAsync<ArgumentException>(() => table.GetEntityAsync("p", badKey)),
            await Assert.ThrowsAsync<ArgumentException>(() => table.GetEntityIfExistsAsync(badKey, "r")),
            await Assert.ThrowsAsync<ArgumentException>(() => table.DeleteEntityAsync("p", badKey)),
        };

        Assert.All(errors, e => Assert.Contains(shownInMessage, e.Message));
        Assert.Contains("PartitionKey", errors[0].Message);
        Assert.Contains("RowKey", errors[1].Message);
        Assert.Equal(before, azurite.Counter.Count);
    }

    [Fact]
    public async Task Missing_keys_and_unsupported_values_are_refused_before_any_request()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var before = azurite.Counter.Count;

        var noRowKey = await Assert.ThrowsAsync<ArgumentNullException>(() => azurite.Table.AddEntityAsync(new TableEntity { PartitionKey = "p" }));
        var decimalValue = await Assert.ThrowsAsync<NotSupportedException>(
            () => azurite.Table.UpsertEntityAsync(new TableEntity("p", "r") { ["Price"] = 9.99m }));
        var badPageSize = Assert.Throws<ArgumentOutOfRangeException>(() => azurite.Table.QueryAsync(maxPerPage: 1001));

        Assert.Contains("RowKey", noRowKey.Message);
        Assert.Contains("Price", decimalValue.Message);
        Assert.Equal("maxPerPage", badPageSize.ParamName);
        Assert.Equal(before, azurite.Counter.Count);
    }

    [Fact]
    public async Task Valid_requests_are_counted_by_a_pipeline_policy()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var before = azurite.Counter.Count;

        await azurite.Table.AddEntityAsync(new TableEntity("p", "r"));
        await azurite.Table.GetEntityIfExistsAsync("p", "r");

        Assert.Equal(before + 2, azurite.Counter.Count);
    }
}

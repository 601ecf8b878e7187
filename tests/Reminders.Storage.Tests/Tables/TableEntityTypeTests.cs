using System.Text;
using System.Text.Json;

namespace Reminders.Storage.Tests.Tables;

/// <summary>Every property type survives a write and a read (by key and by query) with its type and value.</summary>
public sealed class TableEntityTypeTests
{
    private static readonly DateTimeOffset Moment = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    public static TheoryData<string, object> Values => new()
    {
        { "String", "héllo 'world' \"quoted\" 中文 🎉" },
        { "EmptyString", "" },
        { "Int32", 42 },
        { "Int32Min", int.MinValue },
        { "Int32Max", int.MaxValue },
        { "Int64Small", 5L },
        { "Int64Max", long.MaxValue },
        { "Int64Min", long.MinValue },
        { "DoubleWhole", 2.0 },
        { "DoubleZero", 0.0 },
        { "DoubleFraction", 0.1 },
        { "DoubleNegativeHuge", -1.5e300 },
        { "DoubleMax", double.MaxValue },
        { "DoubleEpsilon", double.Epsilon },
        { "DoubleNaN", double.NaN },
        { "DoublePositiveInfinity", double.PositiveInfinity },
        { "DoubleNegativeInfinity", double.NegativeInfinity },
        { "True", true },
        { "False", false },
        { "DateTimeOffset", Moment.AddTicks(1234567) },
        { "DateTimeOffsetMin", new DateTimeOffset(1601, 1, 1, 0, 0, 0, TimeSpan.Zero) },
        { "Guid", Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301") },
        { "Binary", new byte[] { 0, 1, 2, 254, 255 } },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Property_round_trips_with_its_type(string name, object value)
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        await azurite.Table.AddEntityAsync(new TableEntity("p", "r") { [name] = value });

        var read = (await azurite.Table.GetEntityAsync("p", "r")).Value;
        var queried = Assert.Single(await azurite.Table.QueryAsync().ToListAsync());

        foreach (var entity in new[] { read, queried })
        {
            var actual = entity[name];
            Assert.NotNull(actual);
            Assert.Equal(value.GetType(), actual.GetType());
            Assert.Equal(value, actual);
        }
    }

    [Fact]
    public async Task All_types_in_one_entity_round_trip_and_typed_getters_read_them()
    {
        await using var azurite = await AzuriteTable.CreateAsync();
        var guid = Guid.NewGuid();
        var moment = Moment.AddTicks(1);
        var entity = new TableEntity("p", "r")
        {
            ["S"] = "text",
            ["I"] = -7,
            ["L"] = 1L << 40,
            ["D"] = 3.0,
            ["B"] = true,
            ["T"] = moment,
            ["G"] = guid,
            ["Bytes"] = new byte[] { 9, 8, 7 },
            ["Data"] = BinaryData.FromString("binary data"),
            ["Local"] = new DateTimeOffset(2026, 3, 14, 23, 9, 26, TimeSpan.FromHours(8)),
            ["Utc"] = new DateTime(2026, 3, 14, 15, 9, 26, DateTimeKind.Utc),
            ["Nothing"] = null,
        };
        await azurite.Table.AddEntityAsync(entity);

        var read = (await azurite.Table.GetEntityAsync("p", "r")).Value;

        Assert.Equal("text", read.GetString("S"));
        Assert.Equal(-7, read.GetInt32("I"));
        Assert.Equal(1L << 40, read.GetInt64("L"));
        Assert.Equal(3.0, read.GetDouble("D"));
        Assert.IsType<double>(read["D"]);
        Assert.True(read.GetBoolean("B"));
        Assert.Equal(moment, read.GetDateTimeOffset("T"));
        Assert.Equal(TimeSpan.Zero, read.GetDateTimeOffset("T")!.Value.Offset);
        Assert.Equal(guid, read.GetGuid("G"));
        Assert.Equal(new byte[] { 9, 8, 7 }, read.GetBinary("Bytes"));
        Assert.Equal("binary data", read.GetBinaryData("Data")!.ToString());
        Assert.Equal(Moment, read.GetDateTimeOffset("Local"));
        Assert.Equal(Moment, read.GetDateTimeOffset("Utc"));
        Assert.False(read.ContainsKey("Nothing"));
        Assert.Null(read["Nothing"]);
        Assert.Null(read.GetString("Nothing"));
        Assert.Null(read.GetInt32("Nothing"));
        Assert.Throws<InvalidOperationException>(() => read.GetInt32("S"));
    }

    [Fact]
    public void Serialized_json_annotates_the_types_the_service_cannot_infer()
    {
        var entity = new TableEntity("p", "r")
        {
            ["I"] = 1,
            ["L"] = 2L,
            ["D"] = 2.0,
            ["T"] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(8)).AddTicks(1),
            ["G"] = Guid.Empty,
            ["Bin"] = new byte[] { 1, 2 },
            ["Null"] = null,
            ["Timestamp"] = DateTimeOffset.UnixEpoch,
        };

        using var json = JsonDocument.Parse(TableEntityJson.Serialize(entity));
        var root = json.RootElement;

        Assert.Equal(JsonValueKind.Number, root.GetProperty("I").ValueKind);
        Assert.False(root.TryGetProperty("I@odata.type", out _));
        Assert.Equal("2", root.GetProperty("L").GetString());
        Assert.Equal("Edm.Int64", root.GetProperty("L@odata.type").GetString());
        Assert.Equal(2.0, root.GetProperty("D").GetDouble());
        Assert.Equal("Edm.Double", root.GetProperty("D@odata.type").GetString());
        Assert.Equal("2026-01-01T19:04:05.0000001Z", root.GetProperty("T").GetString());
        Assert.Equal("Edm.DateTime", root.GetProperty("T@odata.type").GetString());
        Assert.Equal("00000000-0000-0000-0000-000000000000", root.GetProperty("G").GetString());
        Assert.Equal("Edm.Guid", root.GetProperty("G@odata.type").GetString());
        Assert.Equal("AQI=", root.GetProperty("Bin").GetString());
        Assert.Equal("Edm.Binary", root.GetProperty("Bin@odata.type").GetString());
        Assert.False(root.TryGetProperty("Null", out _));
        Assert.False(root.TryGetProperty("Timestamp", out _));
    }

    [Fact]
    public void Unsupported_property_types_are_refused_naming_the_property()
    {
        var entity = new TableEntity("p", "r") { ["Amount"] = 12.5m };

        var error = Assert.Throws<NotSupportedException>(() => TableEntityJson.Serialize(entity));

        Assert.Contains("Amount", error.Message);
        Assert.Contains("Decimal", error.Message);
    }

    [Fact]
    public void Whole_numbers_without_annotation_read_as_Int32_and_with_a_decimal_point_as_Double()
    {
        var json = Encoding.UTF8.GetBytes("""{"PartitionKey":"p","RowKey":"r","I":7,"D":7.0,"E":1e+21,"odata.etag":"W/\"x\""}""");
        using var document = JsonDocument.Parse(json);

        var entity = TableEntityJson.Deserialize(document.RootElement);

        Assert.IsType<int>(entity["I"]);
        Assert.IsType<double>(entity["D"]);
        Assert.Equal(1e21, entity["E"]);
        Assert.Equal("W/\"x\"", entity.ETag.ToString());
    }
}

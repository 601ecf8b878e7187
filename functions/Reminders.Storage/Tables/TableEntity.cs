using System.Collections;
using Azure;

namespace Reminders.Storage;

/// <summary>
/// A table entity as a dictionary of property names to values (String, Int32, Int64, Double,
/// Boolean, DateTimeOffset, Guid, byte[]/BinaryData), named like Azure.Data.Tables' TableEntity.
/// Reading a missing property through the indexer gives null.
/// </summary>
public sealed class TableEntity : IDictionary<string, object?>
{
    public const string PartitionKeyName = "PartitionKey";
    public const string RowKeyName = "RowKey";
    public const string TimestampName = "Timestamp";

    private readonly Dictionary<string, object?> _properties = new(StringComparer.Ordinal);

    public TableEntity()
    {
    }

    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public TableEntity(IDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (key, value) in values) _properties[key] = value;
    }

    public string PartitionKey
    {
        get => GetString(PartitionKeyName)!;
        set => _properties[PartitionKeyName] = value;
    }

    public string RowKey
    {
        get => GetString(RowKeyName)!;
        set => _properties[RowKeyName] = value;
    }

    /// <summary>Set by the service on every write; ignored when sending.</summary>
    public DateTimeOffset? Timestamp
    {
        get => GetDateTimeOffset(TimestampName);
        set => _properties[TimestampName] = value;
    }

    /// <summary>The entity's version as read from the service (default when not read).</summary>
    public ETag ETag { get; set; }

    /// <summary>The value, or null when the property is absent.</summary>
    public object? this[string key]
    {
        get => _properties.TryGetValue(key, out var value) ? value : null;
        set => _properties[key] = value;
    }

    public string? GetString(string key) => Reference<string>(key, this[key]);

    public int? GetInt32(string key) => Value<int>(key, this[key]);

    public long? GetInt64(string key) => this[key] switch
    {
        int i => i,
        var other => Value<long>(key, other),
    };

    public double? GetDouble(string key) => this[key] switch
    {
        int i => i,
        long l => l,
        var other => Value<double>(key, other),
    };

    public bool? GetBoolean(string key) => Value<bool>(key, this[key]);

    public DateTimeOffset? GetDateTimeOffset(string key) => this[key] switch
    {
        DateTime d => new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d),
        var other => Value<DateTimeOffset>(key, other),
    };

    public Guid? GetGuid(string key) => Value<Guid>(key, this[key]);

    public byte[]? GetBinary(string key) => this[key] switch
    {
        BinaryData data => data.ToArray(),
        var other => Reference<byte[]>(key, other),
    };

    public BinaryData? GetBinaryData(string key) => this[key] switch
    {
        byte[] bytes => new BinaryData(bytes),
        var other => Reference<BinaryData>(key, other),
    };

    private static T? Value<T>(string key, object? value) where T : struct => value switch
    {
        null => null,
        T typed => typed,
        _ => throw WrongType(key, value, typeof(T)),
    };

    private static T? Reference<T>(string key, object? value) where T : class => value switch
    {
        null => null,
        T typed => typed,
        _ => throw WrongType(key, value, typeof(T)),
    };

    private static InvalidOperationException WrongType(string key, object value, Type wanted) =>
        new($"Property '{key}' holds a {value.GetType().Name}, not a {wanted.Name}.");

    public ICollection<string> Keys => _properties.Keys;

    public ICollection<object?> Values => _properties.Values;

    public int Count => _properties.Count;

    bool ICollection<KeyValuePair<string, object?>>.IsReadOnly => false;

    public void Add(string key, object? value) => _properties.Add(key, value);

    public bool ContainsKey(string key) => _properties.ContainsKey(key);

    public bool Remove(string key) => _properties.Remove(key);

    public bool TryGetValue(string key, out object? value) => _properties.TryGetValue(key, out value);

    public void Clear() => _properties.Clear();

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void ICollection<KeyValuePair<string, object?>>.Add(KeyValuePair<string, object?> item) => _properties.Add(item.Key, item.Value);

    bool ICollection<KeyValuePair<string, object?>>.Contains(KeyValuePair<string, object?> item) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).Contains(item);

    void ICollection<KeyValuePair<string, object?>>.CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).CopyTo(array, arrayIndex);

    bool ICollection<KeyValuePair<string, object?>>.Remove(KeyValuePair<string, object?> item) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).Remove(item);
}

using System.Text.RegularExpressions;

namespace Reminders.Storage;

/// <summary>Checks table names, entity keys, queue, container and blob names before a request goes out.</summary>
public static partial class StorageNames
{
    /// <summary>Azure allows 1 KiB keys; Azurite refuses keys over 512 characters, so that is the limit here.</summary>
    public const int MaxKeyLength = 512;

    public static void ValidateTableName(string tableName)
    {
        if (tableName is null || !TableNamePattern().IsMatch(tableName))
        {
            throw new ArgumentException(
                $"Table name '{Printable(tableName)}' is invalid: 3 to 63 letters and digits, starting with a letter.", nameof(tableName));
        }
    }

    /// <summary>PartitionKey and RowKey: at most 512 characters, none of / \ # ? nor control characters.</summary>
    public static void ValidateKey(string key, string paramName)
    {
        if (key is null)
        {
            throw new ArgumentNullException(paramName, $"{paramName} is required.");
        }
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"{paramName} is {key.Length} characters long; at most {MaxKeyLength} are allowed.", paramName);
        }
        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new ArgumentException(
                    $"{paramName} '{Printable(key)}' contains '{Printable(c.ToString())}', which is not allowed in a key (/ \\ # ? and control characters are forbidden).", paramName);
            }
        }
    }

    /// <summary>Queue and container names: 3 to 63 lower-case letters, digits and single dashes, starting and ending with a letter or digit.</summary>
    public static void ValidateQueueName(string queueName) => ValidateLowerCaseName(queueName, "Queue", nameof(queueName));

    public static void ValidateContainerName(string containerName) => ValidateLowerCaseName(containerName, "Container", nameof(containerName));

    public static void ValidateBlobName(string blobName)
    {
        if (string.IsNullOrEmpty(blobName) || blobName.Length > 1024 || blobName.Any(char.IsControl))
        {
            throw new ArgumentException($"Blob name '{Printable(blobName)}' is invalid: 1 to 1024 characters, no control characters.", nameof(blobName));
        }
    }

    private static void ValidateLowerCaseName(string name, string what, string paramName)
    {
        if (name is null || !LowerCaseNamePattern().IsMatch(name) || name.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"{what} name '{Printable(name)}' is invalid: 3 to 63 lower-case letters, digits and single dashes, starting and ending with a letter or digit.", paramName);
        }
    }

    /// <summary>Shows control characters as \uXXXX so an error message stays one readable line.</summary>
    private static string Printable(string? value)
    {
        if (value is null) return "(null)";
        var shown = value.Length > 80 ? value[..80] + "…" : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex LowerCaseNamePattern();
}

using Azure;

namespace Reminders.Storage;

/// <summary>A table as listed by <see cref="TableServiceClient.QueryAsync"/>.</summary>
public sealed record TableItem(string Name);

/// <summary>Merge keeps properties the sent entity does not name; Replace drops them.</summary>
public enum TableUpdateMode
{
    Merge,
    Replace,
}

public enum TableTransactionActionType
{
    Add,
    UpdateMerge,
    UpdateReplace,
    Delete,
    UpsertMerge,
    UpsertReplace,
}

/// <summary>One operation of an entity group transaction. <paramref name="ETag"/> applies to updates and deletes (default: any version).</summary>
public sealed record TableTransactionAction(TableTransactionActionType ActionType, TableEntity Entity, ETag ETag = default);

/// <summary>
/// An entity group transaction was refused: nothing of it was written. The status and error code
/// are those of the failing operation, whose position in the submitted list is
/// <see cref="FailedTransactionActionIndex"/> (null when the service did not say).
/// </summary>
public sealed class TableTransactionFailedException : RequestFailedException
{
    public TableTransactionFailedException(int status, string message, string? errorCode, int? failedTransactionActionIndex)
        : base(status, message, errorCode, null)
    {
        FailedTransactionActionIndex = failedTransactionActionIndex;
    }

    public int? FailedTransactionActionIndex { get; }
}

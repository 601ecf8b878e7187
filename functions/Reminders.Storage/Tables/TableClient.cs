using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage;

/// <summary>
/// One table: create and delete it, read and write its entities, query them and submit entity group
/// transactions. Names and keys are checked before any request goes out.
/// </summary>
public sealed class TableClient
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    public TableClient(string connectionString, string tableName, StorageClientOptions? options = null)
        : this(TableServiceClient.FromConnectionString(connectionString, options), tableName)
    {
    }

    public TableClient(Uri endpoint, string tableName, StorageSharedKeyCredential credential, StorageClientOptions? options = null)
        : this((endpoint, new StorageAuthentication(credential ?? throw new ArgumentNullException(nameof(credential)), null), options), tableName)
    {
    }

    public TableClient(Uri endpoint, string tableName, TokenCredential credential, StorageClientOptions? options = null)
        : this((endpoint, new StorageAuthentication(null, credential ?? throw new ArgumentNullException(nameof(credential))), options), tableName)
    {
    }

    private TableClient((Uri Endpoint, StorageAuthentication Authentication, StorageClientOptions? Options) settings, string tableName)
        : this(StoragePipeline.Build(settings.Options ?? new StorageClientOptions(), settings.Authentication, tableService: true), settings.Endpoint, tableName)
    {
    }

    internal TableClient(HttpPipeline pipeline, Uri endpoint, string tableName)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        StorageNames.ValidateTableName(tableName);
        _pipeline = pipeline;
        _endpoint = endpoint;
        Name = tableName;
    }

    public string Name { get; }

    /// <summary>Creates the table; an existing table is not an error.</summary>
    public async Task<Response<TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendCreateAsync(cancellationToken).ConfigureAwait(false);
        if (response.Status == 409)
        {
            var failure = new RequestFailedException(response);
            if (failure.ErrorCode != "TableAlreadyExists") throw failure;
        }
        else if (response.Status is not (201 or 204))
        {
            throw new RequestFailedException(response);
        }
        return Response.FromValue(new TableItem(Name), response);
    }

    /// <summary>Creates the table; 409 TableAlreadyExists when it exists.</summary>
    public async Task<Response<TableItem>> CreateAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendCreateAsync(cancellationToken).ConfigureAwait(false);
        return response.Status is 201 or 204
            ? Response.FromValue(new TableItem(Name), response)
            : throw new RequestFailedException(response);
    }

    private Task<Response> SendCreateAsync(CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name });
        var request = TableRest.CreateRequest(_pipeline, RequestMethod.Post, TableRest.Combine(_endpoint, "Tables"), body);
        request.Headers.SetValue("Prefer", "return-no-content");
        return TableRest.SendAnyAsync(_pipeline, request, cancellationToken);
    }

    /// <summary>Deletes the table; a table that does not exist is not an error (the response is 404).</summary>
    public Task<Response> DeleteAsync(CancellationToken cancellationToken = default)
    {
        var request = TableRest.CreateRequest(_pipeline, RequestMethod.Delete, TableRest.Combine(_endpoint, $"Tables('{Name}')"));
        return TableRest.SendAsync(_pipeline, request, cancellationToken, 204, 404);
    }

    /// <summary>The entity; 404 throws a <see cref="RequestFailedException"/>.</summary>
    public async Task<Response<TableEntity>> GetEntityAsync(
        string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        var response = await SendGetEntityAsync(partitionKey, rowKey, select, cancellationToken).ConfigureAwait(false);
        return response.Status == 200
            ? Response.FromValue(ReadEntity(response), response)
            : throw new RequestFailedException(response);
    }

    /// <summary>The entity, or a response without a value when it does not exist.</summary>
    public async Task<NullableResponse<TableEntity>> GetEntityIfExistsAsync(
        string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        var response = await SendGetEntityAsync(partitionKey, rowKey, select, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            200 => new TableNullableResponse<TableEntity>(ReadEntity(response), response),
            404 => new TableNullableResponse<TableEntity>(null, response),
            _ => throw new RequestFailedException(response),
        };
    }

    private Task<Response> SendGetEntityAsync(string partitionKey, string rowKey, IEnumerable<string>? select, CancellationToken cancellationToken)
    {
        ValidateKeys(partitionKey, rowKey);
        var request = TableRest.CreateRequest(_pipeline, RequestMethod.Get, EntityUri(partitionKey, rowKey));
        TableRest.AppendQuery(request, "$select", Select(select));
        return TableRest.SendAnyAsync(_pipeline, request, cancellationToken);
    }

    private static TableEntity ReadEntity(Response response)
    {
        using var json = TableRest.ReadJson(response);
        var entity = TableEntityJson.Deserialize(json.RootElement);
        if (TableRest.ResponseETag(response) is { } etag) entity.ETag = etag;
        return entity;
    }

    /// <summary>Inserts the entity; 409 EntityAlreadyExists when it exists.</summary>
    public Task<Response> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ValidateEntity(entity);
        var request = TableRest.CreateRequest(_pipeline, RequestMethod.Post, TableRest.Combine(_endpoint, Name), TableEntityJson.Serialize(entity));
        request.Headers.SetValue("Prefer", "return-no-content");
        return TableRest.SendAsync(_pipeline, request, cancellationToken, 201, 204);
    }

    /// <summary>Insert Or Merge (default) or Insert Or Replace.</summary>
    public Task<Response> UpsertEntityAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        ValidateEntity(entity);
        var request = TableRest.CreateRequest(_pipeline, Method(mode), EntityUri(entity.PartitionKey, entity.RowKey), TableEntityJson.Serialize(entity));
        return TableRest.SendAsync(_pipeline, request, cancellationToken, 204);
    }

    /// <summary>Merge or Replace an existing entity if its ETag still matches (default: any version); 412 when it does not, 404 when it is gone.</summary>
    public Task<Response> UpdateEntityAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        ValidateEntity(entity);
        var request = TableRest.CreateRequest(_pipeline, Method(mode), EntityUri(entity.PartitionKey, entity.RowKey), TableEntityJson.Serialize(entity));
        request.Headers.SetValue("If-Match", TableRest.IfMatch(ifMatch));
        return TableRest.SendAsync(_pipeline, request, cancellationToken, 204);
    }

    /// <summary>Deletes the entity if its ETag matches (default: any version); 412 when it does not. A missing entity is not an error (the response is 404).</summary>
    public Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        ValidateKeys(partitionKey, rowKey);
        var request = TableRest.CreateRequest(_pipeline, RequestMethod.Delete, EntityUri(partitionKey, rowKey));
        request.Headers.SetValue("If-Match", TableRest.IfMatch(ifMatch));
        return TableRest.SendAsync(_pipeline, request, cancellationToken, 204, 404);
    }

    /// <summary>
    /// Entities matching the OData filter (build it with <see cref="CreateQueryFilter"/>), at most
    /// <paramref name="maxPerPage"/> (1 to 1,000) per page, following the continuation headers. A page
    /// may be empty and still carry a continuation token ("NextPartitionKey NextRowKey").
    /// </summary>
    public AsyncPageable<TableEntity> QueryAsync(
        string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        TableServiceClient.ValidateMaxPerPage(maxPerPage);
        var selected = Select(select);
        return new TablePageable<TableEntity>(
            async (continuation, pageSize, ct) =>
            {
                TableServiceClient.ValidateMaxPerPage(pageSize);
                var (nextPartitionKey, nextRowKey) = ParseContinuation(continuation);
                var request = TableRest.CreateRequest(_pipeline, RequestMethod.Get, TableRest.Combine(_endpoint, Name + "()"));
                TableRest.AppendQuery(request, "$filter", filter);
                TableRest.AppendQuery(request, "$top", pageSize?.ToString(CultureInfo.InvariantCulture));
                TableRest.AppendQuery(request, "$select", selected);
                TableRest.AppendQuery(request, "NextPartitionKey", nextPartitionKey);
                TableRest.AppendQuery(request, "NextRowKey", nextRowKey);
                var response = await TableRest.SendAsync(_pipeline, request, ct, 200).ConfigureAwait(false);
                List<TableEntity> entities;
                using (var json = TableRest.ReadJson(response))
                {
                    entities = json.RootElement.GetProperty("value").EnumerateArray().Select(TableEntityJson.Deserialize).ToList();
                }
                return Page<TableEntity>.FromValues(entities, FormatContinuation(response), response);
            },
            maxPerPage,
            cancellationToken);
    }

    private static string? FormatContinuation(Response response)
    {
        var nextPartitionKey = TableRest.Header(response, "x-ms-continuation-NextPartitionKey");
        var nextRowKey = TableRest.Header(response, "x-ms-continuation-NextRowKey");
        return nextPartitionKey is null && nextRowKey is null ? null : $"{nextPartitionKey} {nextRowKey}";
    }

    private static (string? NextPartitionKey, string? NextRowKey) ParseContinuation(string? token)
    {
        if (string.IsNullOrEmpty(token)) return (null, null);
        var space = token.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (token, null) : (token[..space], token[(space + 1)..]);
    }

    /// <summary>
    /// Submits the actions as one entity group transaction: all are applied or none. They must share
    /// one PartitionKey, name each entity once and number 1 to 100. When one fails, a
    /// <see cref="TableTransactionFailedException"/> says which.
    /// </summary>
    public async Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(
        IEnumerable<TableTransactionAction> transactionActions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactionActions);
        var actions = transactionActions.ToList();
        TableTransaction.Validate(actions);
        var batch = TableTransaction.BuildBody(actions, _endpoint, Name);
        var request = TableRest.CreateRequest(_pipeline, RequestMethod.Post, TableRest.Combine(_endpoint, "$batch"));
        request.Headers.SetValue("Content-Type", batch.ContentType);
        request.Content = RequestContent.Create(batch.Body);
        var response = await TableRest.SendAsync(_pipeline, request, cancellationToken, 202).ConfigureAwait(false);
        var parts = TableTransaction.ReadResponse(response, actions);
        return Response.FromValue(parts, response);
    }

    /// <summary>
    /// An OData filter in which every interpolated value is written as a literal (strings quoted with
    /// quotes doubled, datetime'..', guid'..', 64-bit integers with an L suffix, binary as X'..'), so
    /// values can never change the filter's meaning.
    /// </summary>
    public static string CreateQueryFilter(FormattableString filter) => TableQueryFilter.Create(filter);

    private Uri EntityUri(string partitionKey, string rowKey) =>
        TableRest.Combine(_endpoint, TableRest.EntityPath(Name, partitionKey, rowKey));

    private static RequestMethod Method(TableUpdateMode mode) => mode switch
    {
        TableUpdateMode.Merge => TableRest.Merge,
        TableUpdateMode.Replace => RequestMethod.Put,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown update mode."),
    };

    private static string? Select(IEnumerable<string>? select) =>
        select is null ? null : string.Join(',', select);

    internal static void ValidateEntity(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ValidateKeys(entity.PartitionKey, entity.RowKey);
    }

    private static void ValidateKeys(string partitionKey, string rowKey)
    {
        StorageNames.ValidateKey(partitionKey, "PartitionKey");
        StorageNames.ValidateKey(rowKey, "RowKey");
    }
}

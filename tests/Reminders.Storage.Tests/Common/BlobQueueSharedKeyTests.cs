using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Reminders.TestSupport;

namespace Reminders.Storage.Tests.Common;

/// <summary>
/// The Blob/Queue Shared Key string-to-sign, written out by hand from the documented layout:
/// VERB, the 11 standard header lines, canonicalized x-ms-* headers, canonicalized resource.
/// </summary>
public sealed class BlobQueueSharedKeyTests
{
    private const string Date = "Mon, 05 Jan 2026 12:00:00 GMT";

    private static Request NewRequest(RequestMethod method, string uri)
    {
        var request = HttpClientTransport.Shared.CreateRequest();
        request.Method = method;
        request.Uri.Reset(new Uri(uri));
        return request;
    }

    [Fact]
    public void Put_with_content_conditions_and_x_ms_headers_on_an_azurite_path()
    {
        var request = NewRequest(RequestMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/locks/dir/my%20blob.txt?timeout=30&comp=lease");
        request.Headers.SetValue("x-ms-version", "2021-12-02");
        request.Headers.SetValue("x-ms-date", Date);
        request.Headers.SetValue("X-MS-Lease-Action", "acquire");
        request.Headers.SetValue("x-ms-lease-duration", " 15 ");
        request.Headers.SetValue("Content-Type", "application/octet-stream");
        request.Headers.SetValue("If-Match", "\"0x8DC1\"");
        request.Headers.SetValue("Range", "bytes=0-4");
        request.Headers.SetValue("User-Agent", "not-signed");
        request.Content = RequestContent.Create(new byte[] { 1, 2, 3, 4, 5 });

        var expected =
            "PUT\n" +
            "\n" +                          // Content-Encoding
            "\n" +                          // Content-Language
            "5\n" +                         // Content-Length
            "\n" +                          // Content-MD5
            "application/octet-stream\n" +  // Content-Type
            "\n" +                          // Date (x-ms-date is used)
            "\n" +                          // If-Modified-Since
            "\"0x8DC1\"\n" +                // If-Match
            "\n" +                          // If-None-Match
            "\n" +                          // If-Unmodified-Since
            "bytes=0-4\n" +                 // Range
            "x-ms-date:Mon, 05 Jan 2026 12:00:00 GMT\n" +
            "x-ms-lease-action:acquire\n" +
            "x-ms-lease-duration:15\n" +
            "x-ms-version:2021-12-02\n" +
            "/devstoreaccount1/devstoreaccount1/locks/dir/my%20blob.txt\n" +
            "comp:lease\n" +
            "timeout:30";

        Assert.Equal(expected, BlobQueueSharedKeyPolicy.BuildStringToSign(request, "devstoreaccount1"));
    }

    [Fact]
    public void Query_parameters_are_lower_cased_sorted_decoded_and_multiple_values_joined()
    {
        var request = NewRequest(RequestMethod.Get,
            "https://myaccount.blob.core.windows.net/mycontainer?restype=container&Comp=list&prefix=a%2Fb%20c&include=snapshots&include=metadata");
        request.Headers.SetValue("x-ms-date", Date);
        request.Headers.SetValue("x-ms-version", "2021-12-02");

        var expected =
            "GET\n\n\n\n\n\n\n\n\n\n\n\n" +
            "x-ms-date:Mon, 05 Jan 2026 12:00:00 GMT\n" +
            "x-ms-version:2021-12-02\n" +
            "/myaccount/mycontainer\n" +
            "comp:list\n" +
            "include:metadata,snapshots\n" +
            "prefix:a/b c\n" +
            "restype:container";

        Assert.Equal(expected, BlobQueueSharedKeyPolicy.BuildStringToSign(request, "myaccount"));
    }

    [Fact]
    public void Documented_example_container_metadata()
    {
        // From the Shared Key reference: GET http://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata
        var request = NewRequest(RequestMethod.Get, "http://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata");

        Assert.EndsWith("\n/myaccount/mycontainer\ncomp:metadata\nrestype:container",
            BlobQueueSharedKeyPolicy.BuildStringToSign(request, "myaccount"));
    }

    [Fact]
    public void A_queue_message_delete_without_content_has_an_empty_content_length_and_the_decoded_pop_receipt()
    {
        var request = NewRequest(RequestMethod.Delete,
            "http://127.0.0.1:10001/devstoreaccount1/orders/messages/7c0b0e2c-0000?popreceipt=AgAAAA%2BBq%2FcA%3D%3D");
        request.Headers.SetValue("x-ms-version", "2021-12-02");
        request.Headers.SetValue("x-ms-date", Date);
        request.Headers.SetValue("x-ms-client-request-id", "abc");
        request.Content = RequestContent.Create(Array.Empty<byte>());

        var expected =
            "DELETE\n\n\n\n\n\n\n\n\n\n\n\n" +
            "x-ms-client-request-id:abc\n" +
            "x-ms-date:Mon, 05 Jan 2026 12:00:00 GMT\n" +
            "x-ms-version:2021-12-02\n" +
            "/devstoreaccount1/devstoreaccount1/orders/messages/7c0b0e2c-0000\n" +
            "popreceipt:AgAAAA+Bq/cA==";

        Assert.Equal(expected, BlobQueueSharedKeyPolicy.BuildStringToSign(request, "devstoreaccount1"));
    }

    [Fact]
    public void The_policy_sets_x_ms_date_from_the_clock_and_signs_the_string_with_hmac_sha256()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));
        var credential = new StorageSharedKeyCredential(TestStorage.AccountName, TestStorage.AccountKey);
        var policy = new BlobQueueSharedKeyPolicy(credential, time);
        var request = NewRequest(RequestMethod.Post, "http://127.0.0.1:10001/devstoreaccount1/orders/messages?visibilitytimeout=0&messagettl=-1");
        request.Headers.SetValue("x-ms-version", "2021-12-02");
        request.Headers.SetValue("Content-Type", "application/xml");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes("<QueueMessage><MessageText>aGk=</MessageText></QueueMessage>"));

        policy.OnSendingRequest(new HttpMessage(request, new ResponseClassifier()));

        var expected =
            "POST\n\n\n" +
            "60\n" +
            "\n" +
            "application/xml\n" +
            "\n\n\n\n\n\n" +
            "x-ms-date:Mon, 05 Jan 2026 12:00:00 GMT\n" +
            "x-ms-version:2021-12-02\n" +
            "/devstoreaccount1/devstoreaccount1/orders/messages\n" +
            "messagettl:-1\n" +
            "visibilitytimeout:0";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(TestStorage.AccountKey), Encoding.UTF8.GetBytes(expected)));

        Assert.Equal(expected, BlobQueueSharedKeyPolicy.BuildStringToSign(request, "devstoreaccount1"));
        Assert.True(request.Headers.TryGetValue("x-ms-date", out var date));
        Assert.Equal(Date, date);
        Assert.True(request.Headers.TryGetValue("Authorization", out var authorization));
        Assert.Equal($"SharedKey devstoreaccount1:{signature}", authorization);
    }
}

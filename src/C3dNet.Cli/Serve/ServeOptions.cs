namespace C3dNet.Cli.Serve;

/// <summary>What `c3d serve` runs with: the model, where it listens, and the limits that keep it alive.</summary>
internal sealed record ServeOptions(
    string Checkpoint, RecognizerOptions Recognizer, string Urls, long MaxUploadBytes, int QueueLength, TimeSpan RequestTimeout)
{
    public const string DefaultUrls = "http://127.0.0.1:8080";
    public const int DefaultMaxUploadMb = 200, DefaultQueueLength = 4, DefaultTimeoutSeconds = 300;
    /// <summary>What a 503 tells the client to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;
}

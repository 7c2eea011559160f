namespace C3dNet.Cli.Serve;

/// <summary>
/// Where uploads wait while they are recognised: a fresh folder under the system's temporary folder, one file per
/// request named by the server (never by the client), deleted when the request ends and the folder when the server stops.
/// </summary>
internal sealed class UploadFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("c3d-serve-").FullName;

    /// <summary>A new file path; the extension of the client's name is kept (letters and digits only) so the decoder can tell the container.</summary>
    public string NewFile(string? clientName)
    {
        string ext = System.IO.Path.GetExtension(clientName ?? "").ToLowerInvariant();
        if (ext.Length is < 2 or > 6 || !ext[1..].All(char.IsAsciiLetterOrDigit)) ext = ".bin";
        return System.IO.Path.Combine(Path, Guid.NewGuid().ToString("N") + ext);
    }

    public static void Delete(string file)
    {
        try { File.Delete(file); }
        catch (IOException) { } // gone with the folder at shutdown at the latest
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

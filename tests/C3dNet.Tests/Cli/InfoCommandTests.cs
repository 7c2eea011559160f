using System.Text.Json;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Cli;

public class InfoCommandTests
{
    [Fact]
    public void Info_json_describes_a_reference_checkpoint()
    {
        var (code, stdout, _) = CliRunner.Run("info", Fixtures.ReferenceCheckpoint, "--json");
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("checkpoint", json.GetProperty("kind").GetString());
        Assert.Equal(1_223_013, json.GetProperty("parameters").GetInt64());
        Assert.Equal(5, json.GetProperty("num_classes").GetInt32());
        Assert.Equal(3, json.GetProperty("epoch").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("class_names").ValueKind);
    }

    [Fact]
    public void Info_json_describes_pretrained_weights()
    {
        var (code, stdout, _) = CliRunner.Run("info", Fixtures.PretrainedNarrow, "--json");
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("pretrained", json.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("epoch").ValueKind);
        Assert.Contains("fc7", json.GetProperty("provides").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Info_on_a_bad_file_fails_with_one_clear_line()
    {
        var (code, stdout, stderr) = CliRunner.Run("info", "/nonexistent.pth");
        Assert.Equal(1, code);
        Assert.Contains("error: /nonexistent.pth: file not found", (stdout + stderr).Replace("\n", ""));
        Assert.DoesNotContain("Exception", stdout + stderr);
    }
}

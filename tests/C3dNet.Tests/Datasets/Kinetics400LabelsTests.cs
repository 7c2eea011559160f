using C3dNet.Tests.Support;
using C3dNet.Datasets;
using C3dNet.Tests.Models;

namespace C3dNet.Tests.Datasets;

/// <summary>data/labels/kinetics400_labels.txt (made by data/labels/make_kinetics400_labels.py) read as a label file.</summary>
public class Kinetics400LabelsTests
{
    [Fact]
    public void Kinetics400_label_file_lists_torchvisions_categories_in_order()
    {
        var names = LabelFile.Read(Path.Combine(RepoRoot.Path, "data", "labels", "kinetics400_labels.txt"));
        var expected = ResNetFixtures.Layouts.GetProperty("kinetics400_categories").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(400, names.Count);
        Assert.Equal(expected, names);
        Assert.Equal("air drumming", names[1]);
    }
}

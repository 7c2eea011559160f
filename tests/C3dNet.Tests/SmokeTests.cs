namespace C3dNet.Tests;
public class SmokeTests { [Xunit.Fact] public void Torch() { using var t = TorchSharp.torch.ones(2); Xunit.Assert.Equal(2, t.sum().item<float>()); } }

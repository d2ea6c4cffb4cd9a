"""Fangpin (防贫): return-to-poverty monitoring and assistance for a Chinese city or county."""

"""Quote."""
def main():
    pass

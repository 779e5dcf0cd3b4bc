// The article body's editor: what the newsroom adds to django-prose-editor's configurable preset.
import { Extension } from "django-prose-editor/editor";

export const NewsroomBody = Extension.create({
  name: "newsroomBody",
  onBeforeCreate() {
    // Tiptap would inject its base styles as a <style> element, which the Content-Security-Policy
    // refuses: they come from tiptap.css instead. The editor mounts (and injects) after this hook.
    this.editor.options.injectCSS = false;
  },
});

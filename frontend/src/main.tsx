import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { AppProviders } from './AppProviders';
import { i18nReady } from './i18n';
import { AppRoutes } from './AppRoutes';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The reader's language first (a chunk of its own unless Russian), so no text flashes in another.
await i18nReady.catch(() => undefined);

createRoot(root).render(
  <StrictMode>
    <AppProviders>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </AppProviders>
  </StrictMode>,
);

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBridge } from './bridge';
import { BridgeProvider } from './bridge/context';
import { App } from './shell/App';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BridgeProvider bridge={createBridge()}>
      <App />
    </BridgeProvider>
  </StrictMode>,
);
